package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// ConfigFile is the name of the configuration file searched from the
// working directory upward.
const ConfigFile = ".ingresskit.yaml"

// Config selects rules and severities. The zero value runs the default
// rules at their default severities and fails on errors.
type Config struct {
	// Enable turns on rules that are off by default.
	Enable []string `yaml:"enable"`
	// Disable turns rules off; it wins over Enable and EnableAll.
	Disable []string `yaml:"disable"`
	// EnableAll turns on every rule not disabled.
	EnableAll bool `yaml:"enableAll"`
	// FailOn is the lowest severity that makes a run fail; zero means
	// Error.
	FailOn Severity `yaml:"failOn"`
	// Severity overrides rule severities by ID.
	Severity map[string]Severity `yaml:"severity"`
}

// EffectiveFailOn returns FailOn, or Error when it is unset.
func (c Config) EffectiveFailOn() Severity {
	if c.FailOn == 0 {
		return Error
	}
	return c.FailOn
}

func (c Config) severity(r *Rule) Severity {
	if s, ok := c.Severity[r.ID]; ok && s != 0 {
		return s
	}
	return r.Severity
}

// Select returns the enabled rules of rules, sorted by ID. An unknown ID
// anywhere in the configuration is an error naming the nearest rule.
func (c Config) Select(rules []*Rule) ([]*Rule, error) {
	byID := map[string]*Rule{}
	ids := make([]string, 0, len(rules))
	for _, r := range rules {
		byID[r.ID] = r
		ids = append(ids, r.ID)
	}
	var bad []string
	check := func(id string) {
		if byID[id] == nil {
			msg := fmt.Sprintf("unknown rule %q", id)
			if s := Suggest(id, ids); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			bad = append(bad, msg)
		}
	}
	for _, id := range c.Enable {
		check(id)
	}
	for _, id := range c.Disable {
		check(id)
	}
	sevIDs := make([]string, 0, len(c.Severity))
	for id := range c.Severity {
		sevIDs = append(sevIDs, id)
	}
	sort.Strings(sevIDs)
	for _, id := range sevIDs {
		check(id)
	}
	if len(bad) > 0 {
		return nil, errors.New(strings.Join(bad, "; ") + "; see ingresskit lint --list-rules")
	}
	var out []*Rule
	for _, r := range rules {
		on := r.Default || c.EnableAll || slices.Contains(c.Enable, r.ID)
		if on && !slices.Contains(c.Disable, r.ID) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Override returns c with the settings of o (command-line flags) laid
// over it: o's enables and disables win over c's, and o's FailOn wins
// when set.
func (c Config) Override(o Config) Config {
	out := Config{EnableAll: c.EnableAll || o.EnableAll, FailOn: c.FailOn, Severity: map[string]Severity{}}
	for _, id := range c.Enable {
		if !slices.Contains(o.Disable, id) {
			out.Enable = append(out.Enable, id)
		}
	}
	for _, id := range c.Disable {
		if !slices.Contains(o.Enable, id) {
			out.Disable = append(out.Disable, id)
		}
	}
	out.Enable = append(out.Enable, o.Enable...)
	out.Disable = append(out.Disable, o.Disable...)
	if o.FailOn != 0 {
		out.FailOn = o.FailOn
	}
	for k, v := range c.Severity {
		out.Severity[k] = v
	}
	for k, v := range o.Severity {
		out.Severity[k] = v
	}
	return out
}

// FindConfig returns the path of the nearest ConfigFile in dir or one of
// its parents, or "" when there is none.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ConfigFile)
		st, err := os.Stat(p)
		switch {
		case err == nil && !st.IsDir():
			return p, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("look for %s: %w", ConfigFile, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// ParseConfig reads a configuration file's content; unknown keys are
// errors, so that a misspelt key does not pass silently.
func ParseConfig(name string, data []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && err != io.EOF {
		return Config{}, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return c, nil
}

// LoadConfig reads the configuration file at path.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(path, data)
}
