package manifest

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// kubectl reads YAML with sigs.k8s.io/yaml, which parses it with
// go.yaml.in/yaml/v2 into untyped values, writes them as JSON, and leaves
// the rest to the JSON decoding of the k8s.io/api types. yaml/v2 resolves
// plain scalars by YAML 1.1 rules, which differ from the YAML 1.2 rules of
// the go.yaml.in/yaml/v3 parser the loader uses: yes, no, on, off, y and n
// are booleans, and 080 is the number 80. The loader parses with yaml/v3
// for its positions and resolves scalars here, as yaml/v2 would.

// Resolved scalar kinds, named by their YAML tags.
const (
	tagStr   = "!!str"
	tagBool  = "!!bool"
	tagInt   = "!!int"
	tagFloat = "!!float"
	tagNull  = "!!null"
	tagMerge = "!!merge"
)

// yamlStyleFloat is yaml/v2's pattern for decimal floats (resolve.go).
var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolve11 resolves the text of a plain scalar as yaml/v2's resolve
// (go.yaml.in/yaml/v2 resolve.go) does for an untyped value: the tag, and
// the value as a bool, int64, uint64, float64, string or nil. A timestamp
// stays a string: yaml/v2 gives untyped values timestamps as strings
// (decoder.scalar in decode.go). The value of a string is left nil: it is
// the text itself, and putting it in an interface would allocate.
func resolve11(in string) (string, any) {
	switch in {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return tagBool, true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return tagBool, false
	case "", "~", "null", "Null", "NULL":
		return tagNull, nil
	case ".nan", ".NaN", ".NAN":
		return tagFloat, math.NaN()
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return tagFloat, math.Inf(1)
	case "-.inf", "-.Inf", "-.INF":
		return tagFloat, math.Inf(-1)
	case "<<":
		return tagMerge, nil
	}
	switch c := in[0]; {
	case c == '.':
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return tagFloat, f
		}
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		if isTimestamp11(in) {
			return tagStr, nil
		}
		plain := strings.ReplaceAll(in, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return tagInt, i
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return tagInt, u
		}
		if yamlStyleFloat.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return tagFloat, f
			}
		}
		if rest, ok := strings.CutPrefix(plain, "0b"); ok {
			if i, err := strconv.ParseInt(rest, 2, 64); err == nil {
				return tagInt, i
			}
			if u, err := strconv.ParseUint(rest, 2, 64); err == nil {
				return tagInt, u
			}
		} else if rest, ok := strings.CutPrefix(plain, "-0b"); ok {
			if i, err := strconv.ParseInt("-"+rest, 2, 64); err == nil {
				return tagInt, i
			}
		}
	}
	return tagStr, nil
}

// timestampFormats are yaml/v2's (allowedTimestampFormats in resolve.go).
var timestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// isTimestamp11 is yaml/v2's parseTimestamp: four digits and a dash, then
// one of timestampFormats.
func isTimestamp11(s string) bool {
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, f := range timestampFormats {
		if _, err := time.Parse(f, s); err == nil {
			return true
		}
	}
	return false
}

// quotedStyles are the styles whose scalars are always strings.
const quotedStyles = yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle

// resolveNode resolves a scalar node as yaml/v2 would: plain untagged
// scalars by YAML 1.1 rules, quoted and block scalars as strings, and
// explicitly tagged ones by their tag. ok is false when the text does not
// fit an explicit tag (!!int abc), which yaml/v2 rejects. For a string
// (tagStr) v is nil: the string is n.Value.
func resolveNode(n *yaml.Node) (tag string, v any, ok bool) {
	if n.Style&(quotedStyles|yaml.TaggedStyle) == 0 {
		tag, v = resolve11(n.Value)
		return tag, v, true
	}
	if n.Style&yaml.TaggedStyle == 0 {
		return tagStr, nil, true
	}
	switch want := n.ShortTag(); want {
	case tagStr, "!!binary", "!!timestamp":
		return tagStr, nil, true
	case tagBool, tagInt, tagFloat, tagNull:
		t, v := resolve11(n.Value)
		switch {
		case t == want:
			return t, v, true
		case want == tagFloat && t == tagInt:
			if i, isInt := v.(int64); isInt {
				return tagFloat, float64(i), true
			}
			return tagFloat, float64(v.(uint64)), true
		}
		return want, nil, false
	}
	// Other tags (!foo) leave the text as it is.
	return tagStr, nil, true
}

// jsonNumber writes a float as encoding/json does: what the JSON decoding
// of the k8s.io/api types then reads. An integral value in range reads as
// an integer (80.0 and 1e3 are 80 and 1000); NaN and infinities cannot be
// written at all.
func jsonNumber(f float64) (string, bool) {
	b, err := json.Marshal(f)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// keyString converts a resolved mapping key to the JSON object key
// sigs.k8s.io/yaml makes of it (convertToJSONableObject in yaml.go): ints
// in decimal, floats in the shortest 32-bit form, booleans as true and
// false. It reports false for keys JSON cannot hold (null, and integers
// beyond int64, which it does not convert).
func keyString(tag string, v any, text string) (string, bool) {
	switch tag {
	case tagStr, tagMerge:
		return text, true
	case tagBool:
		return strconv.FormatBool(v.(bool)), true
	case tagInt:
		if i, ok := v.(int64); ok {
			return strconv.FormatInt(i, 10), true
		}
		return "", false
	case tagFloat:
		switch s := strconv.FormatFloat(v.(float64), 'g', -1, 32); s {
		case "+Inf":
			return ".inf", true
		case "-Inf":
			return "-.inf", true
		case "NaN":
			return ".nan", true
		default:
			return s, true
		}
	}
	return "", false
}

// IntOrStringScalar reads a scalar node meant for an
// intstr.IntOrString field (a v1beta1 servicePort, a targetPort) as kubectl
// does: isInt with the number for an integer or an integral float in the
// 32-bit range (80, 080, 80.0, 1e3), the text for a string, and ok false
// for what kubectl rejects (80.5, true, yes, an integer out of range).
// A null is ok, neither a number nor a string: null is true.
func IntOrStringScalar(n *yaml.Node) (isInt bool, number int32, text string, null, ok bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return false, 0, "", false, false
	}
	tag, v, ok := resolveNode(n)
	if !ok {
		return false, 0, "", false, false
	}
	switch tag {
	case tagNull:
		return false, 0, "", true, true
	case tagStr:
		return false, 0, n.Value, false, true
	case tagInt, tagFloat:
		d := nodeDecoder{}
		i, msg := d.integer(n, v)
		if msg != "" || i < math.MinInt32 || i > math.MaxInt32 {
			return false, 0, "", false, false
		}
		return true, int32(i), "", false, true
	}
	return false, 0, "", false, false
}
