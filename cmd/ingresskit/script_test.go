package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ingresskit/ingresskit/internal/golden"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ingresskit": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		// The same binary under its kubectl plugin name.
		"kubectl-ingresskit": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs every testdata/script/*.txtar against the real command.
// The scripts see the project's examples/ as $EXAMPLES and ../shared/examples
// (when present) as $FIELD, plugin/ as $PLUGIN, and the Jenkins junit-4 schema as $JUNIT_XSD.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       golden.Updating(),
		Cmds:                scriptCmds,
		Condition: func(cond string) (bool, error) {
			if cond == "field" {
				_, err := os.Stat("../../../shared/examples")
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			env.Setenv("EXAMPLES", wd+"/../../examples")
			// kubectl_complete-ingresskit, the plugin completion script.
			env.Setenv("PLUGIN", wd+"/../../plugin")
			// The Jenkins junit-4 schema, for xmllint on JUnit output. The
			// scripts validate with the real xmllint; without it they fail
			// and name the package, never skip.
			env.Setenv("JUNIT_XSD", wd+"/../../printer/testdata/junit/jenkins-junit-4.xsd")
			if _, err := exec.LookPath("xmllint"); err != nil {
				return errors.New("xmllint not found: install the Debian package libxml2-utils")
			}
			if _, err := os.Stat(wd + "/../../../shared/examples"); err == nil {
				env.Setenv("FIELD", wd+"/../../../shared/examples")
			}
			env.Setenv("NO_COLOR", "")
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/home/.config")
			return nil
		},
	})
}
