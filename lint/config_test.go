package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSelect(t *testing.T) {
	rules := []*Rule{
		{ID: "a", Default: true}, {ID: "b", Default: false}, {ID: "c", Default: true},
	}
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"defaults", Config{}, []string{"a", "c"}},
		{"enable", Config{Enable: []string{"b"}}, []string{"a", "b", "c"}},
		{"disable", Config{Disable: []string{"a"}}, []string{"c"}},
		{"enable all", Config{EnableAll: true}, []string{"a", "b", "c"}},
		{"disable wins over enable all", Config{EnableAll: true, Disable: []string{"b"}}, []string{"a", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.Select(rules)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range got {
				ids = append(ids, r.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("Select (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOverride(t *testing.T) {
	file := Config{Enable: []string{"x"}, Disable: []string{"y"}, FailOn: Warning, Severity: map[string]Severity{"x": Info}}
	flags := Config{Enable: []string{"y"}, Disable: []string{"x"}, FailOn: Error}
	got := file.Override(flags)
	want := Config{Enable: []string{"y"}, Disable: []string{"x"}, FailOn: Error, Severity: map[string]Severity{"x": Info}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Override (-want +got):\n%s", diff)
	}
	if got := (Config{}).EffectiveFailOn(); got != Error {
		t.Errorf("default fail-on = %s, want error", got)
	}
}

func TestFindConfig(t *testing.T) {
	want, err := filepath.Abs("testdata/config/.ingresskit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := FindConfig("testdata/config/a/b")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("FindConfig = %q, want %q", got, want)
	}
	cfg, err := LoadConfig(got)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Config{FailOn: Warning, Disable: []string{"missing-service"}}, cfg); diff != "" {
		t.Errorf("LoadConfig (-want +got):\n%s", diff)
	}
	none, err := FindConfig(t.TempDir())
	if err != nil || none != "" {
		// A temporary directory normally has no config above it; tolerate
		// a machine-wide one only if it really exists.
		if _, statErr := os.Stat(none); none == "" || statErr != nil {
			t.Errorf("FindConfig(tempdir) = %q, %v", none, err)
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"unknown key", "enabel: [a]\n", "field enabel not found"},
		{"bad severity", "failOn: fatal\n", `unknown severity "fatal"`},
		{"bad type", "enable: yes\n", "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(".ingresskit.yaml", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseConfig = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	cfg, err := ParseConfig("sev", []byte("severity:\n  missing-service: warning\n"))
	if err != nil || cfg.Severity["missing-service"] != Warning {
		t.Errorf("severity override = %v, %v", cfg.Severity, err)
	}
	if _, err := ParseConfig("empty", nil); err != nil {
		t.Errorf("empty config: %v", err)
	}
}
