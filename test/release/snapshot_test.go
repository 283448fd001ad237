package release

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// snapshot runs goreleaser's snapshot release, with .goreleaser.yaml cut
// down to linux/amd64 (every other setting as written), in a clone of the
// commit this checkout is at (goreleaser reads the commit, its date and
// the remote from git; uncommitted changes are not part of the test), and
// returns the clone's dist directory. It fails when goreleaser or
// cyclonedx-gomod is missing: make release-check installs them.
func snapshot(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"goreleaser", "cyclonedx-gomod"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: make release-check installs it", tool)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "ingresskit")
	if out, err := exec.Command("git", "clone", "--quiet", root, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(clone, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	for _, b := range cfg["builds"].([]any) {
		b.(map[string]any)["goos"] = []string{"linux"}
		b.(map[string]any)["goarch"] = []string{"amd64"}
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(t.TempDir(), "goreleaser.yaml")
	if err := os.WriteFile(config, out, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("goreleaser", "release", "--snapshot", "--clean", "--config", config)
	cmd.Dir = clone
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("goreleaser: %v\n%s", err, out)
	}
	return filepath.Join(clone, "dist")
}

// artifact is the part of goreleaser's dist/artifacts.json the checks read.
type artifact struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Type string `json:"type"`
}

// entry is one file of an archive.
type entry struct {
	mtime time.Time
	sum   string
}

func untar(t *testing.T, path string) map[string]entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string]entry{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		sum := sha256.New()
		if _, err := io.Copy(sum, tr); err != nil {
			t.Fatal(err)
		}
		out[h.Name] = entry{mtime: h.ModTime, sum: hex.EncodeToString(sum.Sum(nil))}
	}
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// TestSnapshotArchives builds the release archives for real and checks
// what they hold: one build, two archives of the same binary, man pages,
// completions, the commit's time on every file, a CycloneDX SBOM per
// archive, and the same bytes from a second run.
func TestSnapshotArchives(t *testing.T) {
	dist := snapshot(t)
	ct, err := exec.Command("git", "log", "-1", "--format=%ct").Output()
	if err != nil {
		t.Fatal(err)
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(string(ct)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	commitTime := time.Unix(sec, 0)

	data, err := os.ReadFile(filepath.Join(dist, "artifacts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var arts []artifact
	if err := json.Unmarshal(data, &arts); err != nil {
		t.Fatal(err)
	}
	byType := map[string][]artifact{}
	for _, a := range arts {
		byType[a.Type] = append(byType[a.Type], a)
	}
	if n := len(byType["Binary"]); n != 1 {
		t.Errorf("%d binaries built for linux/amd64, want 1: %v", n, byType["Binary"])
	}
	archives := byType["Archive"]
	var names []string
	for _, a := range archives {
		names = append(names, a.Name)
	}
	slices.Sort(names)
	if len(names) != 2 || !strings.HasPrefix(names[0], "ingresskit_") || names[1] != "kubectl-ingresskit_linux_amd64.tar.gz" {
		t.Fatalf("archives %v, want ingresskit_<version>_linux_amd64.tar.gz and kubectl-ingresskit_linux_amd64.tar.gz", names)
	}

	var binSums []string
	for _, a := range archives {
		files := untar(t, filepath.Join(dist, a.Name))
		var got []string
		for name, e := range files {
			got = append(got, name)
			if !e.mtime.Equal(commitTime) {
				t.Errorf("%s: %s has mtime %v, want the commit's %v", a.Name, name, e.mtime, commitTime)
			}
		}
		for _, want := range []string{"ingresskit", "LICENSE", "README.md", "kubectl_complete-ingresskit",
			"completions/ingresskit.bash", "completions/_ingresskit", "completions/ingresskit.fish",
			"man/man1/ingresskit.1", "man/man1/ingresskit-lint.1", "man/man1/ingresskit-routes.1"} {
			if !slices.Contains(got, want) {
				slices.Sort(got)
				t.Errorf("%s lacks %s; it holds %v", a.Name, want, got)
			}
		}
		binSums = append(binSums, files["ingresskit"].sum)

		// The SBOM beside the archive describes the binary in it.
		var bom struct {
			BOMFormat string `json:"bomFormat"`
			Metadata  struct {
				Timestamp string `json:"timestamp"`
				Component struct {
					Name    string `json:"name"`
					Version string `json:"version"`
				} `json:"component"`
			} `json:"metadata"`
			Components []struct {
				Name string `json:"name"`
			} `json:"components"`
		}
		doc, err := os.ReadFile(filepath.Join(dist, a.Name+".cdx.json"))
		if err != nil {
			t.Fatalf("no SBOM beside %s: %v", a.Name, err)
		}
		if err := json.Unmarshal(doc, &bom); err != nil {
			t.Fatalf("%s.cdx.json: %v", a.Name, err)
		}
		var mods []string
		for _, c := range bom.Components {
			mods = append(mods, c.Name)
		}
		if bom.BOMFormat != "CycloneDX" || bom.Metadata.Component.Name != "github.com/ingresskit/ingresskit" ||
			!slices.Contains(mods, "sigs.k8s.io/kustomize/api") || bom.Metadata.Timestamp != "" {
			t.Errorf("%s.cdx.json: format %q, component %q, %d modules, timestamp %q", a.Name, bom.BOMFormat,
				bom.Metadata.Component.Name, len(mods), bom.Metadata.Timestamp)
		}
	}
	if binSums[0] != binSums[1] {
		t.Errorf("the two archives hold different binaries")
	}
	if n := len(byType["SBOM"]); n != 2 {
		t.Errorf("%d SBOMs, want one per archive", n)
	}

	// A second run gives the same archives, byte for byte.
	again := snapshot(t)
	for _, a := range archives {
		if d := cmp.Diff(fileSum(t, filepath.Join(dist, a.Name)), fileSum(t, filepath.Join(again, a.Name))); d != "" {
			t.Errorf("%s differs between two runs", a.Name)
		}
	}
}
