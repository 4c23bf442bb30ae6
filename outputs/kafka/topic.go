package kafka

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/auditkit/auditkit/ocsf"
)

// topicTemplate is a parsed Config.Topic: literal text and placeholders.
type topicTemplate struct {
	parts []topicPart
	// perRecord tells whether the topic depends on the record ({class},
	// {class_uid}) rather than only on the batch.
	perRecord bool
}

// topicPart is a literal (field == "") or a placeholder.
type topicPart struct {
	lit   string
	field string
}

// placeholders are the fields a topic template may name.
var placeholders = []string{"source", "vendor", "class", "class_uid"}

// parseTopic parses a topic template. Its literal text must be legal in a
// topic name.
func parseTopic(t string) (topicTemplate, error) {
	var tt topicTemplate
	if t == "" {
		return tt, fmt.Errorf(`kafka: topic is required, e.g. "auditkit.{source}" or "auditkit.{class}"`)
	}
	rest := t
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			tt.parts = append(tt.parts, topicPart{lit: rest})
			break
		}
		if i > 0 {
			tt.parts = append(tt.parts, topicPart{lit: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return tt, fmt.Errorf("kafka: topic %q: %q is not closed by }", t, rest[i:])
		}
		name := rest[i+1 : i+j]
		known := false
		for _, p := range placeholders {
			known = known || p == name
		}
		if !known {
			return tt, fmt.Errorf("kafka: topic %q: unknown placeholder {%s}; known: {source}, {vendor}, {class}, {class_uid}", t, name)
		}
		tt.parts = append(tt.parts, topicPart{field: name})
		tt.perRecord = tt.perRecord || name == "class" || name == "class_uid"
		rest = rest[i+j+1:]
	}
	for _, p := range tt.parts {
		if p.field == "" && !legalTopicText(p.lit) {
			return tt, fmt.Errorf("kafka: topic %q: %q holds characters a Kafka topic name cannot (only letters, digits, '.', '_' and '-')", t, p.lit)
		}
	}
	return tt, nil
}

// expand returns the topic of a record of class c from a batch of source
// and vendor, or an error when the result is not a legal topic name.
func (tt topicTemplate) expand(source, vendor string, c ocsf.ClassUID) (string, error) {
	var b strings.Builder
	for _, p := range tt.parts {
		switch p.field {
		case "":
			b.WriteString(p.lit)
		case "source":
			b.WriteString(source)
		case "vendor":
			b.WriteString(vendor)
		case "class":
			b.WriteString(className(c))
		case "class_uid":
			b.WriteString(strconv.Itoa(int(c)))
		}
	}
	topic := b.String()
	if len(topic) > 249 || topic == "." || topic == ".." || !legalTopicText(topic) || topic == "" {
		return "", fmt.Errorf("kafka: topic %q (for source %q) is not a legal Kafka topic name: letters, digits, '.', '_' and '-', at most 249", topic, source)
	}
	return topic, nil
}

// className is a class's name as it goes into a topic: its caption in lower
// case, anything but letters and digits as "_" ("API Activity" →
// "api_activity"); "class_N" for a class without a caption.
func className(c ocsf.ClassUID) string {
	capt := c.Caption()
	if capt == "" {
		return "class_" + strconv.Itoa(int(c))
	}
	b := []byte(strings.ToLower(capt))
	for i, ch := range b {
		if (ch < 'a' || ch > 'z') && (ch < '0' || ch > '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// legalTopicText tells whether s holds only characters legal in a topic
// name.
func legalTopicText(s string) bool {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9', ch == '.', ch == '_', ch == '-':
		default:
			return false
		}
	}
	return true
}
