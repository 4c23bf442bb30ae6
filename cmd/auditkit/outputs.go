package main

// The outputs `auditkit collect` offers beside its own file and stdout
// outputs, registered by importing them (collector.RegisterOutput).
import (
	_ "github.com/auditkit/auditkit/outputs/kafka"
	_ "github.com/auditkit/auditkit/outputs/securitylake"
)
