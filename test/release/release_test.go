// Package release checks the release configuration with the tools that
// consume it: krew-release-bot's own template code renders .krew.yaml, and
// krew's validate-krew-manifest (sigs.k8s.io/krew v0.4.3) validates the
// result against the archives .goreleaser.yaml makes. It is a module of its
// own so that the bot's dependencies stay out of ingresskit's.
package release

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rajatjindal/krew-release-bot/pkg/source"
	"sigs.k8s.io/yaml"
)

// krewPlugin is the part of a krew plugin manifest the checks read
// (krew.sigs.k8s.io/docs/developer-guide/plugin-manifest).
type krewPlugin struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version   string `json:"version"`
		Platforms []struct {
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
	} `json:"archives"`
}

// releaseAssets serves the archives of a release from memory, so that the
// bot's addURIAndSha downloads them as it downloads GitHub's release assets;
// any other URL is a 404, as it would be on GitHub.
type releaseAssets map[string][]byte

func (a releaseAssets) RoundTrip(r *http.Request) (*http.Response, error) {
	body, ok := a[r.URL.String()]
	status := http.StatusOK
	if !ok {
		status, body = http.StatusNotFound, []byte("Not Found")
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Body: io.NopCloser(bytes.NewReader(body)),
		Header: http.Header{}, Request: r, ProtoMajor: 1, ProtoMinor: 1}, nil
}

// archives returns the kubectl-ingresskit archives .goreleaser.yaml makes for
// tag: their download URL and the binary they hold, by os/arch.
func archives(t *testing.T, tag string) map[string][2]string {
	t.Helper()
	data, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var gr goreleaser
	if err := yaml.Unmarshal(data, &gr); err != nil {
		t.Fatal(err)
	}
	out := map[string][2]string{}
	for _, a := range gr.Archives {
		if a.ID != "kubectl-ingresskit" {
			continue
		}
		if d := cmp.Diff([]string{"tar.gz"}, a.Formats); d != "" {
			t.Errorf("krew installs tar.gz archives on every platform (-want +got):\n%s", d)
		}
		for _, b := range gr.Builds {
			if len(a.IDs) == 0 || b.ID != a.IDs[0] {
				continue
			}
			for _, goos := range b.Goos {
				for _, goarch := range b.Goarch {
					name := strings.NewReplacer("{{ .Version }}", strings.TrimPrefix(tag, "v"), "{{ .Os }}", goos, "{{ .Arch }}", goarch).Replace(a.NameTemplate)
					bin := b.Binary
					if goos == "windows" {
						bin += ".exe"
					}
					out[goos+"/"+goarch] = [2]string{"https://github.com/ingresskit/ingresskit/releases/download/" + tag + "/" + name + ".tar.gz", bin}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no kubectl-ingresskit archive in .goreleaser.yaml")
	}
	return out
}

func TestKrewManifest(t *testing.T) {
	const tag = "v1.2.3"
	want := archives(t, tag)
	assets := releaseAssets{}
	for key, a := range want {
		assets[a[0]] = []byte("archive for " + key)
	}
	saved := http.DefaultTransport
	http.DefaultTransport = assets
	t.Cleanup(func() { http.DefaultTransport = saved })

	// The bot renders the template with the release's tag
	// (krew-release-bot pkg/source/template.go, RenderTemplate).
	rendered, err := source.RenderTemplate("../../.krew.yaml", struct{ TagName string }{tag})
	if err != nil {
		t.Fatalf("krew-release-bot cannot render .krew.yaml: %v", err)
	}
	var p krewPlugin
	if err := yaml.Unmarshal(rendered, &p); err != nil {
		t.Fatalf("rendered manifest: %v\n%s", err, rendered)
	}
	if p.Spec.Version != tag {
		t.Errorf("spec.version = %q, want %q", p.Spec.Version, tag)
	}
	got := map[string][2]string{}
	for _, pl := range p.Spec.Platforms {
		key := pl.Selector.MatchLabels["os"] + "/" + pl.Selector.MatchLabels["arch"]
		got[key] = [2]string{pl.URI, pl.Bin}
		sum := sha256.Sum256(assets[pl.URI])
		if pl.Sha256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: sha256 %s is not the archive's", key, pl.Sha256)
		}
		var from []string
		for _, f := range pl.Files {
			from = append(from, f.From)
		}
		// krew copies the files listed and requires bin among them, and
		// validate-krew-manifest's install check wants a LICENSE.
		if d := cmp.Diff([]string{pl.Bin, "LICENSE"}, from); d != "" {
			t.Errorf("%s files (-want +got):\n%s", key, d)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("platforms against .goreleaser.yaml's archives (-want +got):\n%s", d)
	}

	// krew's own validator, structural checks and platform selectors; its
	// install step downloads from GitHub and is skipped.
	bin, err := exec.LookPath("validate-krew-manifest")
	if err != nil {
		t.Fatal("validate-krew-manifest is not on PATH: go install sigs.k8s.io/krew/cmd/validate-krew-manifest@v0.4.3 (make release-check does)")
	}
	dir := t.TempDir()
	manifest := filepath.Join(dir, p.Metadata.Name+".yaml")
	if err := os.WriteFile(manifest, rendered, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-manifest", manifest, "-skip-install").CombinedOutput()
	if err != nil {
		t.Fatalf("validate-krew-manifest: %v\n%s\n%s", err, out, rendered)
	}
}

// TestKrewManifestRejectsBrokenTemplate makes sure the check above can fail:
// the template the bot could not render before (a quoted trimPrefix nested
// in addURIAndSha's quoted URL, and a function the bot does not define).
func TestKrewManifestRejectsBrokenTemplate(t *testing.T) {
	broken := `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: ingresskit
spec:
  version: {{ .TagName }}
  platforms:
  - selector:
      matchLabels: {os: linux, arch: amd64}
    {{addURIAndSha "https://example.com/{{ .TagName | trimPrefix "v" }}.tar.gz" .TagName }}
    bin: kubectl-ingresskit
`
	f := filepath.Join(t.TempDir(), ".krew.yaml")
	if err := os.WriteFile(f, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := source.RenderTemplate(f, struct{ TagName string }{"v1.2.3"}); err == nil {
		t.Fatal("the bot rendered a template it cannot render")
	}
}
