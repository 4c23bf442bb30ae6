package ocsf_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/auditkit/auditkit/ocsf"
)

func ExampleNew() {
	when := time.Date(2024, 6, 12, 17, 23, 29, 0, time.UTC)
	e := ocsf.New(ocsf.ClassAuthentication, ocsf.AuthenticationLogon, when)
	e.Status = ocsf.StatusSuccess
	e.Metadata.UID = "evt-1"
	e.Metadata.Product = ocsf.Product{Name: "Console", VendorName: "Example"}
	e.User = &ocsf.User{UID: "u-42", Name: "bob"}
	e.Service = &ocsf.Service{Name: "Console"}

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		fmt.Println(err)
	}
	fmt.Println(ocsf.Validate(e))
	// Output:
	// {
	//   "class_uid": 3002,
	//   "class_name": "Authentication",
	//   "category_uid": 3,
	//   "category_name": "Identity & Access Management",
	//   "activity_id": 1,
	//   "activity_name": "Logon",
	//   "type_uid": 300201,
	//   "type_name": "Authentication: Logon",
	//   "severity_id": 1,
	//   "severity": "Informational",
	//   "status_id": 1,
	//   "status": "Success",
	//   "time": 1718213009000,
	//   "metadata": {
	//     "version": "1.1.0",
	//     "uid": "evt-1",
	//     "product": {
	//       "name": "Console",
	//       "vendor_name": "Example"
	//     }
	//   },
	//   "user": {
	//     "uid": "u-42",
	//     "name": "bob"
	//   },
	//   "service": {
	//     "name": "Console"
	//   }
	// }
	// <nil>
}

func ExampleValidate() {
	// An Entity Management event with an actor, but without the "host"
	// profile that actor needs in this class, and without the entity.
	e := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, time.UnixMilli(1718213009419))
	e.Metadata.Product = ocsf.Product{Name: "Console", VendorName: "Example"}
	e.Actor = &ocsf.Actor{User: &ocsf.User{Name: "alice"}}

	err := ocsf.Validate(e)
	var ve *ocsf.ValidationError
	if errors.As(err, &ve) {
		for _, is := range ve.Issues {
			fmt.Println(is)
		}
	}

	e.AddProfile("host")
	e.Entity = &ocsf.ManagedEntity{UID: "policy-7", Name: "Patch Tuesday"}
	fmt.Println("after the fix:", ocsf.Validate(e))
	// Output:
	// entity: missing; required by class entity_management (3004) [required_missing]
	// actor: belongs to class entity_management (3004) only with profile host, which metadata.profiles does not list [attribute_unknown]
	// after the fix: <nil>
}

func ExampleValidator_Check() {
	v := ocsf.NewValidator(ocsf.ValidatorOptions{TypeUIDWarning: true})
	errs, warnings := v.Check([]byte(`{"class_uid": 3002, "category_uid": 3, "activity_id": 99,
		"type_uid": 300201, "severity_id": 1, "time": 1718213009419, "status_id": 1, "status": "Other",
		"metadata": {"version": "1.1.0", "product": {"vendor_name": "Automox"}},
		"user": {"uid": "115998"}, "service": {"name": "Console"}}`))
	for _, is := range append(errs, warnings...) {
		fmt.Printf("%s at %q, warning %t: %s\n", is.Code, is.Path, is.Warning, is.Message)
	}
	// Output:
	// constraint_failed at "metadata.product", warning false: object product needs at least one of name, uid
	// caption_mismatch at "status", warning false: "Other", want "Success", the caption of status_id=1 in OCSF 1.1.0
	// enum_sibling_mismatch at "status", warning true: "Other", want "Success", the caption of status_id=1
	// type_uid_mismatch at "type_uid", warning true: 300201, but class_uid*100+activity_id = 300299
}

// AddObservables lists the IP addresses, user names, email addresses, host
// names, URLs and resource uids an event carries, mapped or unmapped, each
// with the attribute path it is written at. In OCSF 1.1.0 Entity
// Management has no src_endpoint, so the endpoint is written under
// unmapped, and so is its observable's name; SetVersion follows it to 1.8.0.
func ExampleAddObservables() {
	ev := ocsf.New(ocsf.ClassEntityManagement, ocsf.EntityManagementUpdate, time.Date(2024, 6, 12, 17, 23, 29, 0, time.UTC))
	ev.Actor = &ocsf.Actor{User: &ocsf.User{Name: "alice", EmailAddr: "alice@example.com"}}
	ev.Entity = &ocsf.ManagedEntity{UID: "policy-7", Name: "Patch policy"}
	ev.SrcEndpoint = &ocsf.NetworkEndpoint{IP: "192.0.2.10"}
	ev.Unmapped = map[string]any{"target": map[string]any{"hostname": "db01.example.com"}}
	ocsf.AddObservables(&ev)
	for _, o := range ev.Observables {
		fmt.Printf("%-26s %-13s %s\n", o.Name, o.Type, o.Value)
	}
	if err := ev.SetVersion(ocsf.V1_8_0); err != nil {
		panic(err)
	}
	fmt.Println("1.8.0:", ev.Observables[0].Name)
	// Output:
	// unmapped.src_endpoint.ip   IP Address    192.0.2.10
	// actor.user.name            User Name     alice
	// actor.user.email_addr      Email Address alice@example.com
	// entity.uid                 Resource UID  policy-7
	// unmapped.target.hostname   Hostname      db01.example.com
	// 1.8.0: src_endpoint.ip
}

// An event is written in the version its metadata.version names: the same
// Event, set to 1.8.0, writes the actor's service as app_name (invoked_by is
// deprecated there) and validates against the embedded 1.8.0 schema.
func ExampleEvent_SetVersion() {
	ev := ocsf.New(ocsf.ClassAPIActivity, ocsf.APIActivityRead, time.Date(2024, 6, 12, 17, 23, 29, 0, time.UTC))
	ev.Metadata.Product = ocsf.Product{Name: "Console", VendorName: "Example"}
	ev.API = &ocsf.API{Operation: "GET /users"}
	ev.Actor = &ocsf.Actor{InvokedBy: "scheduler"}
	ev.SrcEndpoint = &ocsf.NetworkEndpoint{IP: "192.0.2.10"}
	for _, v := range ocsf.Versions() {
		if err := ev.SetVersion(v); err != nil {
			panic(err)
		}
		data, _ := json.Marshal(ev.Actor) // the model, the same in both
		out, _ := ev.MarshalJSON()
		fmt.Printf("%s valid=%t model %s, written %s\n", v, ocsf.Validate(ev) == nil, data,
			out[strings.Index(string(out), `"actor"`):strings.Index(string(out), `,"src_endpoint"`)])
	}
	// Output:
	// 1.1.0 valid=true model {"invoked_by":"scheduler"}, written "actor":{"invoked_by":"scheduler"}
	// 1.8.0 valid=true model {"invoked_by":"scheduler"}, written "actor":{"app_name":"scheduler"}
}
