package alb

import (
	"regexp"
	"strings"
	"testing"
)

// TestALBGlob checks ALB wildcard matching: "*" any run of characters,
// "?" exactly one (Elastic Load Balancing, "Path conditions" and "Host
// conditions"); paths compare case-sensitively, hosts not.
func TestALBGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold       bool
		want       bool
	}{
		{"/img/*", "/img/a.png", false, true},
		{"/img/*", "/img/", false, true},
		{"/img/*", "/img", false, false},
		{"/v?/status", "/v1/status", false, true},
		{"/v?/status", "/v10/status", false, false},
		{"/static/*.css", "/static/a/b.css", false, true},
		{"/static/*.css", "/static/a.css.map", false, false},
		{"/API", "/api", false, false},
		{"*.example.com", "a.b.example.com", true, true},
		{"*.example.com", "example.com", true, false},
		{"*.EXAMPLE.com", "www.example.COM", true, true},
		{"a*b*c", "axxbyyc", false, true},
		{"a*b*c", "axxbyy", false, false},
		{"*", "", false, true},
		// A literal "*" or "?" in the subject is one more character:
		// the pattern's "*" still matches any run around it.
		{"/assets/*", "/assets/*.js", false, true},
		{"/assets/*.js", "/assets/*.js", false, true},
		{"/assets/*.js", "/assets/*.css", false, false},
		{"/a*", "/a**", false, true},
		{"/a?c", "/a?c", false, true},
		{"/a?c", "/a*bc", false, false},
		{"*.example.com", "*.example.com", true, true},
	}
	for _, tt := range tests {
		if got := albGlob(tt.pattern, tt.s, tt.fold); got != tt.want {
			t.Errorf("albGlob(%q, %q, %v) = %v, want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}

// globRegexp is the reference reading of an ALB wildcard pattern
// (Elastic Load Balancing, "Path conditions"): "*" is ".*", "?" is ".",
// every other character stands for itself, and the whole subject must
// match.
func globRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?s:")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	return regexp.MustCompile(b.String())
}

// FuzzALBGlob checks albGlob against globRegexp on ASCII patterns and
// subjects (ALB path patterns and hosts are ASCII).
func FuzzALBGlob(f *testing.F) {
	f.Add("/assets/*", "/assets/*.js") // literal "*" in the subject
	f.Add("/v?/status", "/v1/status")  // "?" is one character
	f.Add("a*b*c", "axxbyyc")          // two stars, backtracking
	f.Add("*?*", "")                   // "?" needs a character
	f.Add("/a*b", "/a*b*b")            // the last "b" must end the subject
	f.Add("*.example.com", "a.b.example.com")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		for _, str := range []string{pattern, s} {
			for i := 0; i < len(str); i++ {
				if str[i] >= 0x80 {
					t.Skip("not ASCII")
				}
			}
		}
		if len(pattern) > 64 || len(s) > 256 {
			t.Skip("longer than an ALB path pattern")
		}
		want := globRegexp(pattern).MatchString(s)
		if got := albGlob(pattern, s, false); got != want {
			t.Errorf("albGlob(%q, %q) = %v, reference %v", pattern, s, got, want)
		}
	})
}
