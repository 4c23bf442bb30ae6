package cisco

import "time"

// SetNow replaces the clock with which c pins the end of a walk's window.
func SetNow(c *Client, now func() time.Time) { c.now = now }
