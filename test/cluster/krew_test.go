package clustertest

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// krewPlugin is the part of a krew plugin manifest the checks read
// (krew.sigs.k8s.io/docs/developer-guide/plugin-manifest).
type krewPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version          string `json:"version"`
		Homepage         string `json:"homepage"`
		ShortDescription string `json:"shortDescription"`
		Description      string `json:"description"`
		Platforms        []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			Sha256 string `json:"sha256"`
			Bin    string `json:"bin"`
			Files  []struct {
				From string `json:"from"`
				To   string `json:"to"`
			} `json:"files"`
		} `json:"platforms"`
	} `json:"spec"`
}

type goreleaser struct {
	Builds []struct {
		ID     string   `json:"id"`
		Binary string   `json:"binary"`
		Goos   []string `json:"goos"`
		Goarch []string `json:"goarch"`
	} `json:"builds"`
	Archives []struct {
		ID           string   `json:"id"`
		IDs          []string `json:"ids"`
		NameTemplate string   `json:"name_template"`
		Formats      []string `json:"formats"`
		Files        []string `json:"files"`
	} `json:"archives"`
}

// renderKrew renders the .krew.yaml template as krew-release-bot does for
// tag: {{ .TagName }} is the tag, and addURIAndSha "<url>" .TagName becomes
// the uri and sha256 lines at the call's indent (rajatjindal/krew-release-bot
// README, "Basic Setup"); the checksum is a placeholder.
func renderKrew(t *testing.T, tmpl, tag string) string {
	t.Helper()
	s := strings.ReplaceAll(tmpl, `{{ .TagName | trimPrefix "v" }}`, strings.TrimPrefix(tag, "v"))
	s = strings.ReplaceAll(s, "{{ .TagName }}", tag)
	call := regexp.MustCompile(`(?m)^( *)\{\{addURIAndSha "([^"]+)" \.TagName \}\}$`)
	s = call.ReplaceAllString(s, "${1}uri: ${2}\n${1}sha256: "+strings.Repeat("ab", 32))
	if strings.Contains(s, "{{") {
		t.Fatalf("template left unrendered:\n%s", s)
	}
	return s
}

// TestKrewManifest checks the krew template against krew's manifest rules
// and against the archives .goreleaser.yaml makes, since krew's own
// validate-krew-manifest cannot be installed from the module proxy.
func TestKrewManifest(t *testing.T) {
	tmpl, err := os.ReadFile("../../.krew.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var p krewPlugin
	if err := yaml.UnmarshalStrict([]byte(renderKrew(t, string(tmpl), "v1.2.3")), &p); err != nil {
		t.Fatalf("rendered manifest: %v", err)
	}
	grData, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var gr goreleaser
	if err := yaml.Unmarshal(grData, &gr); err != nil {
		t.Fatal(err)
	}

	if p.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || p.Kind != "Plugin" {
		t.Errorf("apiVersion/kind = %s/%s", p.APIVersion, p.Kind)
	}
	// The plugin name is what kubectl runs: kubectl-<name>.
	if p.Metadata.Name != "ingresskit" {
		t.Errorf("name = %q", p.Metadata.Name)
	}
	// krew requires a semantic version with the v prefix.
	if p.Spec.Version != "v1.2.3" {
		t.Errorf("version = %q", p.Spec.Version)
	}
	if p.Spec.ShortDescription == "" || len(p.Spec.ShortDescription) > 50 || p.Spec.Description == "" || p.Spec.Homepage == "" {
		t.Errorf("short description %q (at most 50 characters), description and homepage are required", p.Spec.ShortDescription)
	}

	// The archives goreleaser makes for the kubectl-ingresskit build.
	var want []string
	for _, a := range gr.Archives {
		if a.ID != "kubectl-ingresskit" {
			continue
		}
		if diff := cmp.Diff([]string{"tar.gz"}, a.Formats); diff != "" {
			t.Errorf("archive formats (-want +got):\n%s", diff)
		}
		for _, b := range gr.Builds {
			if b.ID != a.IDs[0] {
				continue
			}
			for _, goos := range b.Goos {
				for _, goarch := range b.Goarch {
					name := strings.NewReplacer("{{ .Version }}", "1.2.3", "{{ .Os }}", goos, "{{ .Arch }}", goarch).Replace(a.NameTemplate)
					want = append(want, goos+"/"+goarch+" https://github.com/ingresskit/ingresskit/releases/download/v1.2.3/"+name+".tar.gz "+b.Binary)
				}
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("no kubectl-ingresskit archive in .goreleaser.yaml")
	}
	var got []string
	seen := map[string]bool{}
	for _, pl := range p.Spec.Platforms {
		key := pl.Selector.MatchLabels["os"] + "/" + pl.Selector.MatchLabels["arch"]
		if seen[key] {
			t.Errorf("platform %s listed twice", key)
		}
		seen[key] = true
		bin := strings.TrimSuffix(pl.Bin, ".exe")
		if (pl.Selector.MatchLabels["os"] == "windows") != strings.HasSuffix(pl.Bin, ".exe") {
			t.Errorf("%s: bin %q: only Windows binaries end in .exe", key, pl.Bin)
		}
		got = append(got, key+" "+pl.URI+" "+bin)
		// krew copies the files listed and then requires bin among them.
		var from []string
		for _, f := range pl.Files {
			from = append(from, f.From)
		}
		if diff := cmp.Diff([]string{pl.Bin, "LICENSE"}, from); diff != "" {
			t.Errorf("%s files (-want +got):\n%s", key, diff)
		}
		if len(pl.Sha256) != 64 {
			t.Errorf("%s: sha256 %q", key, pl.Sha256)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
}
