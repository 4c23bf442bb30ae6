package vendors_test

import (
	"context"
	"fmt"
	"time"

	"github.com/auditkit/auditkit/audittest"
	"github.com/auditkit/auditkit/vendors"
)

// A walk started by name, as a config-driven program does: here against
// the Cisco fake, whose settings the demo hands over.
func Example() {
	demo, err := audittest.StartDemo("cisco", audittest.DemoConfig{Events: 50})
	if err != nil {
		panic(err)
	}
	defer demo.Close()

	src, err := vendors.Open(context.Background(), "cisco", vendors.Config{
		Settings: demo.Settings, // client_id and api_key; in production: v.SettingsFromEnv(os.Getenv)
		BaseURL:  demo.BaseURL,
		Filters:  []vendors.Param{{Name: "audit_log_type", Value: "User"}},
		Since:    time.Now().Add(-30 * 24 * time.Hour),
	})
	if err != nil {
		panic(err) // *auditclient.ConfigError or *auditclient.OptionError: nothing was sent
	}
	defer src.Events.Close()
	n := 0
	for ev, err := range src.Events.All() {
		if err != nil {
			panic(err)
		}
		if ev.Metadata.Product.VendorName != "Cisco" {
			panic(ev.Metadata.Product)
		}
		n++
	}
	fmt.Println(n > 0, src.Client.Stats().Requests > 0)
	// Output: true true
}

// Every setting a vendor needs, with the variable the CLI reads it from.
func ExampleLookup() {
	v, _ := vendors.Lookup("nprinting")
	for _, s := range v.Settings {
		fmt.Println(s.Name, s.Env, s.Required, s.Secret)
	}
	// Output:
	// server NPRINTING_SERVER true false
	// token NPRINTING_TOKEN true true
	// ca_file NPRINTING_CA_FILE false false
}
