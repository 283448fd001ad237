package envoypath

import "testing"

// TestNormalize transcribes the cases of envoyproxy/envoy
// test/common/http/path_utility_test.cc (NormalizeValidPaths,
// NormalizeCasePath, InvalidPaths), which run the same canonicalizer,
// and adds the ones that set the gateway apart from a controller that
// merges slashes.
func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"already normal", "/x/y/z", "/x/y/z", true},
		{"parent dir", "/a/b/../c", "/a/c", true},
		{"current dir", "/a/b/./c", "/a/b/c", true},
		{"no leading slash", "a/b/../c", "/a/c", true},
		{"parent above root", "/a/b/../../../../c", "/c", true},
		{"dot dot backslash", "/a/..\\c", "/c", true},
		{"two byte escape kept", "/%c0%af", "/%c0%af", true},
		{"reserved escapes kept", "/%5c%25", "/%5c%25", true},
		{"escaped dots", "/a/b/%2E%2E/c", "/a/c", true},
		{"escaped and plain dot", "/a/b/%2E./c", "/a/c", true},
		{"escaped current dir", "/a/b/%2e/c", "/a/b/c", true},
		{"bare dot dot", "..", "/", true},
		{"leading parent", "/../a/b", "/a/b", true},
		{"leading current", "/./a/b", "/a/b", true},
		{"case kept", "/A/B/C", "/A/B/C", true},
		{"escaped slash kept as written", "/a/%2F%2f/c", "/a/%2F%2f/c", true},
		{"nul in dot segment", "/xyz/.%00../abc", "", false},
		{"nul between dots", "/xyz/%00.%00./abc", "", false},
		{"nul after stray percent", "/xyz/AAAAA%%0000/abc", "", false},
		// merge_slashes is off on an Istio gateway by default.
		{"slashes kept", "//a///b/", "//a///b/", true},
		{"unreserved decoded", "/%61dmin/%7e", "/admin/~", true},
		{"dot inside a name", "/.well-known/a.b", "/.well-known/a.b", true},
		{"triple dot is a name", "/a/.../b", "/a/.../b", true},
		{"space escaped", "/a b", "/a%20b", true},
		{"trailing parent", "/a/b/..", "/a/", true},
		{"empty", "", "/", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Normalize(tt.in)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// FuzzNormalize: a normalized path starts with "/", holds no dot
// segment, and normalizing it again changes nothing.
func FuzzNormalize(f *testing.F) {
	f.Add("/a/b/../c")      // dot segments
	f.Add("/a/%2e%2E/b")    // escaped dots
	f.Add("/%41%2f%00")     // decoded, kept and invalid escapes
	f.Add("\\a\\..\\b")     // backslashes
	f.Add("//a//b")         // slashes are kept
	f.Add("/a%%2e%2e/../b") // a stray percent before an escape
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := Normalize(in)
		if !ok {
			return
		}
		if got == "" || got[0] != '/' {
			t.Fatalf("Normalize(%q) = %q does not start with /", in, got)
		}
		again, ok := Normalize(got)
		if !ok || again != got {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q, %v", in, got, got, again, ok)
		}
	})
}
