package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// enumValue is a string flag that accepts only listed values and rejects
// others at parse time, listing the allowed ones sorted (the habit of
// kube-linter internal/flagutil/enum.go).
type enumValue struct {
	target  *string
	allowed []string
}

func (e *enumValue) String() string { return *e.target }
func (e *enumValue) Type() string   { return strings.Join(e.allowed, "|") }
func (e *enumValue) Set(v string) error {
	if !slices.Contains(e.allowed, v) {
		return fmt.Errorf("invalid value %q: must be one of %s", v, strings.Join(e.allowed, ", "))
	}
	*e.target = v
	return nil
}

// enumFlag binds a flag that takes one of allowed; the completions offer
// them.
func enumFlag(cmd *cobra.Command, target *string, name, short, def string, allowed []string, usage string) {
	sorted := slices.Clone(allowed)
	slices.Sort(sorted)
	*target = def
	cmd.Flags().VarP(&enumValue{target: target, allowed: sorted}, name, short, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return sorted, cobra.ShellCompDirectiveNoFileComp
	})
}
