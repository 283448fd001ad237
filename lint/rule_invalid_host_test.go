package lint

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// TestValidWildcard checks the shortcut against the function it stands
// in for.
func TestValidWildcard(t *testing.T) {
	long := strings.Repeat("a", 63)
	hosts := []string{
		"*.example.com", "*.a", "*", "*.", "*.*.example.com", "a.*.example.com", "*example.com",
		"*.Example.com", "*.exa_mple.com", "*.-a.com", "*.a-.com", "*.example.com.", "**.example.com",
		"*." + long + "." + long + "." + long + "." + strings.Repeat("a", 59),
		"*." + long + "." + long + "." + long + "." + strings.Repeat("a", 60),
		"*." + strings.Repeat("a", 64) + ".com",
	}
	for _, h := range hosts {
		want := len(validation.IsWildcardDNS1123Subdomain(h)) == 0
		if got := validWildcard(h); got != want {
			t.Errorf("validWildcard(%q) = %v, IsWildcardDNS1123Subdomain accepts it: %v", h, got, want)
		}
	}
}
