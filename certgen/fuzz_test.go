package certgen

import (
	"strings"
	"testing"
)

// FuzzNormalizeHosts checks that host normalization never panics, that
// its output is stable (normalizing it again changes nothing), and that
// every name it accepts is one crypto/x509 can put in a certificate and
// match against: lowercase ASCII, at most 253 characters, a wildcard only
// as the whole first label.
func FuzzNormalizeHosts(f *testing.F) {
	f.Add("example.com")      // plain name
	f.Add("*.Example.COM.")   // wildcard, upper case, trailing dot
	f.Add("bücher.example")   // internationalized name to punycode
	f.Add("xn--bcher-kva.ex") // punycode already
	f.Add("a.*.example.com")  // wildcard in the wrong place
	f.Add("*")                // bare wildcard
	f.Add("::ffff:127.0.0.1") // IPv4-mapped IPv6 literal
	f.Add("_srv.example.com") // underscore label
	f.Add("exa mple.com")     // space
	f.Add("a..b")             // empty label
	f.Add("\u0130.example")   // dotted capital I, case folding
	f.Add("ａｂｃ．example")      // fullwidth letters and dot
	f.Fuzz(func(t *testing.T, in string) {
		hosts, ips, err := NormalizeHosts([]string{in})
		if err != nil {
			return
		}
		if len(hosts)+len(ips) != 1 {
			t.Fatalf("%q gave hosts %q and IPs %v", in, hosts, ips)
		}
		if len(ips) == 1 {
			return
		}
		h := hosts[0]
		if len(h) > 253 || h != strings.ToLower(h) {
			t.Errorf("%q gave %q", in, h)
		}
		for i, r := range h {
			if r > 0x7f {
				t.Fatalf("%q gave non-ASCII %q", in, h)
			}
			if r == '*' && (i != 0 || !strings.HasPrefix(h, "*.")) {
				t.Fatalf("%q gave a misplaced wildcard %q", in, h)
			}
		}
		again, _, err := NormalizeHosts(hosts)
		if err != nil || len(again) != 1 || again[0] != h {
			t.Errorf("normalizing %q again gave %q, %v", h, again, err)
		}
	})
}
