package ocsf_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
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
