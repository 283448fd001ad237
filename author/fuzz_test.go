package author

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

// format writes r back in the rule syntax, so that parsing it again must
// give r: the round trip a rule read once, end to end, allows.
func format(r Rule) string {
	var b strings.Builder
	b.WriteString(r.Host + r.Path + "=")
	switch {
	case r.Backend.Resource != nil:
		kind := r.Backend.Resource.Kind
		if g := r.Backend.Resource.APIGroup; g != nil {
			kind += "." + *g
		}
		b.WriteString(kind + "/" + r.Backend.Resource.Name)
	case r.Backend.Service.Port.Name != "":
		b.WriteString(r.Backend.Service.Name + ":" + r.Backend.Service.Port.Name)
	default:
		fmt.Fprintf(&b, "%s:%d", r.Backend.Service.Name, r.Backend.Service.Port.Number)
	}
	if r.TLS {
		b.WriteString(",tls=" + r.Secret)
	}
	b.WriteString(",pathType=" + string(r.PathType))
	return b.String()
}

// FuzzParseRule checks that ParseRule never panics, that every error
// points inside the rule (or just past it), and that an accepted rule
// written back reads as the same rule.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{
		"foo.com/bar=svc1:8080,tls=my-cert", // kubectl's first example
		"/path*=svc:port",                   // catch-all Prefix, named port
		"foo.com/a,b=svc:8080",              // kubernetes#142261: comma in the path
		"foo.com/a=b:c,d=svc:8080",          // kubernetes#142261: '=' and ':' in the path
		"foo.com/=svc:http,tls=s,garbage",   // kubernetes#140926: trailing text
		"foo.com/=svc:80,tlssecret",         // tls glued to its Secret
		"*.foo.com/*=svc:80,pathType=ImplementationSpecific",
		"foo.com/s*=Bucket.k8s.example.com/b,tls", // resource backend
		"Foo.com:80/ä=Svc:0,,",                    // several wrong characters
		"/\xfa=a:1",                               // a path byte that is not UTF-8 (YAML cannot hold it)
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s, ParseOptions{})
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("%q: error %v is not a *RuleError", s, err)
			}
			if re.Offset < 0 || re.Offset > len(s) {
				t.Fatalf("%q: error points at offset %d, outside the rule", s, re.Offset)
			}
			return
		}
		again, err := ParseRule(format(r), ParseOptions{})
		if err != nil {
			t.Fatalf("%q read as %+v, written back as %q, which fails: %v", s, r, format(r), err)
		}
		if d := cmp.Diff(r, again); d != "" {
			t.Fatalf("%q: round trip through %q differs:\n%s", s, format(r), d)
		}
	})
}

// FuzzAddRule checks that adding an accepted rule to testdata/edit/shop.yaml
// gives a file that loads, holds the new path, and keeps every line of
// the original, in order.
func FuzzAddRule(f *testing.F) {
	src, err := os.ReadFile("testdata/edit/shop.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"shop.example.com/cart*=cart:8080",       // joins the host's rule
		"www.example.com/=web:http,tls=shop-tls", // a new rule and a TLS host
		"/x=Bucket.example.com/b,tls",            // no host, resource backend
		"shop.example.com/'q'\"=a:1",             // quotes in the path
		"shop.example.com/#no-comment=a:1",       // a '#' that must be quoted
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	// kubectl set to true edits the Ingress in kubectl's layout (indentless
	// sequences, backend before path) instead of the hand-written one.
	f.Fuzz(func(t *testing.T, s string, kubectl bool) {
		r, err := ParseRule(s, ParseOptions{})
		if err != nil {
			t.Skip()
		}
		name := "shop"
		if kubectl {
			name = "admin"
		}
		out, err := AddRule("shop.yaml", src, Target{Name: name}, r)
		if err != nil {
			return // an error is an answer; the input file is untouched
		}
		set, err := manifest.Parse("shop.yaml", out, manifest.Options{})
		if err != nil {
			t.Fatalf("%q: the result does not load: %v\n%s", s, err, out)
		}
		var found bool
		for _, ing := range set.Ingresses {
			if ing.Name != name {
				continue
			}
			for _, ir := range ing.Spec.Rules {
				for _, p := range ir.HTTP.Paths {
					found = found || ir.Host == r.Host && p.Path == r.Path && *p.PathType == r.PathType
				}
			}
		}
		if !found {
			t.Fatalf("%q: the path is not in the result:\n%s", s, out)
		}
		// Every original line is still there, in order.
		rest := out
		for _, l := range bytes.SplitAfter(src, []byte("\n")) {
			i := bytes.Index(rest, l)
			if i < 0 {
				t.Fatalf("%q: line %q was lost or moved:\n%s", s, l, out)
			}
			rest = rest[i+len(l):]
		}
	})
}
