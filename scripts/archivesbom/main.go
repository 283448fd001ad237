// Command archivesbom writes the CycloneDX SBOM of the Go binary inside a
// release archive. goreleaser runs it once per archive (sboms in
// .goreleaser.yaml, artifacts: archive) as
//
//	archivesbom <archive> <document>
//
// It unpacks the archive (tar.gz or zip), finds the one Go binary in it
// by its build information (debug/buildinfo) and has cyclonedx-gomod
// (github.com/CycloneDX/cyclonedx-gomod, its bin command) describe that
// binary: the modules linked into it, at the versions the Go toolchain
// recorded (cyclonedx-gomod reads them with go version -m, so go must be
// on PATH). INGRESSKIT_VERSION names the main component's version, as the
// -trimpath release build records none. The document has no timestamp
// and no serial number, so the same archive always gets the same SBOM.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: archivesbom <archive> <document>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "archivesbom: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func run(archive, document string) error {
	dir, err := os.MkdirTemp("", "archivesbom")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var files []string
	if strings.HasSuffix(archive, ".zip") {
		files, err = unzip(archive, dir)
	} else {
		files, err = untar(archive, dir)
	}
	if err != nil {
		return err
	}
	var bins []string
	for _, f := range files {
		if _, err := buildinfo.ReadFile(f); err == nil {
			bins = append(bins, f)
		}
	}
	if len(bins) != 1 {
		return fmt.Errorf("want one Go binary in the archive, found %d", len(bins))
	}
	args := []string{"bin", "-json", "-noserial", "-notimestamp", "-output", document}
	if v := os.Getenv("INGRESSKIT_VERSION"); v != "" {
		args = append(args, "-version", "v"+strings.TrimPrefix(v, "v"))
	}
	cmd := exec.Command(tool(), append(args, bins[0])...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// tool finds cyclonedx-gomod on PATH, else where go install puts it.
func tool() string {
	if p, err := exec.LookPath("cyclonedx-gomod"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) == 2 {
			dir := lines[0]
			if dir == "" {
				dir = filepath.Join(strings.Split(lines[1], string(os.PathListSeparator))[0], "bin")
			}
			return filepath.Join(dir, "cyclonedx-gomod")
		}
	}
	return "cyclonedx-gomod"
}

// dest is where an archive entry is unpacked; names leaving dir are
// refused. Files are unpacked executable: cyclonedx-gomod reads only
// executable files.
func dest(dir, name string) (string, error) {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
		return "", fmt.Errorf("entry %q leaves the archive", name)
	}
	return p, nil
}

func write(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func untar(archive, dir string) ([]string, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	var files []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		p, err := dest(dir, h.Name)
		if err != nil {
			return nil, err
		}
		if err := write(p, tr); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
}

func unzip(archive, dir string) ([]string, error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var files []string
	for _, e := range zr.File {
		if !e.Mode().IsRegular() {
			continue
		}
		p, err := dest(dir, e.Name)
		if err != nil {
			return nil, err
		}
		r, err := e.Open()
		if err != nil {
			return nil, err
		}
		err = write(p, r)
		r.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	return files, nil
}
