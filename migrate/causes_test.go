package migrate

import "testing"

func TestRedirectDropsSlash(t *testing.T) {
	tests := []struct {
		name, before, after string
		want                bool
	}{
		{"slash dropped", "redirect 308 https://a.example.com/p", "redirect 308 https://a.example.com/p/", true},
		{"slash dropped with a query", "redirect 308 https://a.example.com/p?x=1", "redirect 308 https://a.example.com/p/?x=1", true},
		{"same location", "redirect 308 https://a.example.com/p/", "redirect 308 https://a.example.com/p/", false},
		{"another code", "redirect 301 https://a.example.com/p", "redirect 308 https://a.example.com/p/", false},
		{"another path", "redirect 308 https://a.example.com/q", "redirect 308 https://a.example.com/p/", false},
		{"the root", "redirect 308 https://a.example.com", "redirect 308 https://a.example.com/", false},
		{"a backend", "default/web:80", "redirect 308 https://a.example.com/p/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redirectDropsSlash(tt.before, tt.after); got != tt.want {
				t.Errorf("redirectDropsSlash(%q, %q) = %v, want %v", tt.before, tt.after, got, tt.want)
			}
		})
	}
}
