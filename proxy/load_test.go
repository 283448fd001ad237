package proxy

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ingresskit/ingresskit/manifest"
)

const reloadBefore = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
spec:
  rules:
  - host: app.example
    http:
      paths:
      - path: /old
        pathType: Prefix
        backend:
          service:
            name: app
            port:
              number: 80
`

// An edit to a watched manifest is served without a restart; a broken
// edit keeps the last good table and reports where it broke.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.yaml")
	writeFile(t, path, reloadBefore)
	src := Source{Manifests: manifest.Options{Paths: []string{dir}}}
	r := startProxy(t, Options{Echo: true}, func(p *Proxy) error { return p.Load(context.Background(), src) })
	var mu sync.Mutex
	var reloads []error
	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		r.p.Watch(ctx, src, WatchOptions{Interval: 10 * time.Millisecond, Reloaded: func(err error) {
			mu.Lock()
			reloads = append(reloads, err)
			mu.Unlock()
		}})
	}()
	t.Cleanup(func() { cancel(); <-watched })
	reloaded := func() []error {
		mu.Lock()
		defer mu.Unlock()
		return append([]error(nil), reloads...)
	}
	get := func(p string) int {
		return curl(t, "--resolve", resolve("app.example", r.httpPort), "http://app.example:"+r.httpPort+p).status
	}
	if got := []int{get("/old"), get("/new")}; !cmp.Equal(got, []int{200, 404}) {
		t.Fatalf("before the edit /old, /new gave %v, want [200 404]", got)
	}

	// A good edit: /old becomes /new.
	writeFile(t, path, strings.Replace(reloadBefore, "/old", "/new", 1))
	waitFor(t, "the reload", func() bool { return len(reloaded()) >= 1 })
	if err := reloaded()[0]; err != nil {
		t.Fatalf("reload: %v", err)
	}
	if got := []int{get("/old"), get("/new")}; !cmp.Equal(got, []int{404, 200}) {
		t.Fatalf("after the edit /old, /new gave %v, want [404 200]", got)
	}

	// A broken edit: the table stays and the error names the file.
	writeFile(t, path, reloadBefore+"  - host: [broken\n")
	waitFor(t, "the failed reload", func() bool { return len(reloaded()) >= 2 })
	err := reloaded()[1]
	var le *manifest.LoadError
	if !errors.As(err, &le) || le.Errors[0].Pos.File != path || le.Errors[0].Pos.Line == 0 {
		t.Fatalf("broken edit gave %v, want a load error at %s:line", err, path)
	}
	if got := get("/new"); got != http.StatusOK {
		t.Errorf("after a broken edit /new gave %d, want the last good table's 200", got)
	}

	// A new file in the directory is picked up too.
	extra := strings.NewReplacer("name: app", "name: extra", "/old", "/extra").Replace(reloadBefore)
	writeFile(t, filepath.Join(dir, "extra.yaml"), extra)
	writeFile(t, path, strings.Replace(reloadBefore, "/old", "/new", 1))
	waitFor(t, "the third reload", func() bool {
		all := reloaded()
		return len(all) >= 3 && all[len(all)-1] == nil && get("/extra") == http.StatusOK
	})
}

// writeFile replaces path by renaming a complete file into place, as
// editors save, so that the watcher never sees a half-written file. The
// file is written in a directory of its own: a temporary file beside
// path would be a change of the watched directory, and a reload of the
// old content could come before the rename.
func writeFile(t *testing.T, path, data string) {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestParseUpstream(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "default/users:80=127.0.0.1:9001", want: "default/users:80=127.0.0.1:9001"},
		{in: "shop/cart:http=localhost:8080", want: "shop/cart:http=localhost:8080"},
		{in: "shop/cart:443=https://127.0.0.1:8443", want: "shop/cart:443=https://127.0.0.1:8443"},
		{in: " a/b:1 = [::1]:2 ", want: "a/b:1=[::1]:2"},
		{in: "users:80=127.0.0.1:9001", err: "has no namespace"},
		{in: "default/users=127.0.0.1:9001", err: "has no port"},
		{in: "default/users:80", err: "want NS/SERVICE:PORT=HOST:PORT"},
		{in: "default/users:80=127.0.0.1", err: "want HOST:PORT"},
		{in: "default/users:80=127.0.0.1:0", err: "is not 1-65535"},
		{in: "default/users:99999=127.0.0.1:1", err: "port \"99999\""},
		{in: "default/Users:80=127.0.0.1:1", err: "service \"Users\""},
		{in: "default/users:80=ftp://x:1", err: "scheme must be http or https"},
		{in: "default/users:80=http://x:1/api", err: "no path"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseUpstream(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := u.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadUpstreams(t *testing.T) {
	data, err := os.ReadFile("testdata/upstreams.txt")
	if err != nil {
		t.Fatal(err)
	}
	ups, err := ReadUpstreams("testdata/upstreams.txt", data)
	var got []string
	for _, u := range ups {
		got = append(got, u.Pos.String()+" "+u.String())
	}
	var le *manifest.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want a *manifest.LoadError", err)
	}
	for _, e := range le.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		"testdata/upstreams.txt:3 default/users:80=127.0.0.1:9001",
		"testdata/upstreams.txt:5 default/admin:http=127.0.0.1:9002",
		`testdata/upstreams.txt:6: upstream "broken": want NS/SERVICE:PORT=HOST:PORT`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The watcher's stamp changes with every edit Load would see, and only
// then.
func TestStamp(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	ups := filepath.Join(t.TempDir(), "upstreams.txt")
	writeFile(t, filepath.Join(dir, "a.yaml"), "a")
	writeFile(t, ups, "default/a:80=127.0.0.1:1\n")
	flat := Source{Manifests: manifest.Options{Paths: []string{dir}}, UpstreamsFile: ups}
	deep := Source{Manifests: manifest.Options{Paths: []string{dir}, Recursive: true}}
	tests := []struct {
		name        string
		src         Source
		edit        func()
		wantChanged bool
	}{
		{"nothing", flat, func() {}, false},
		{"edit", flat, func() { writeFile(t, filepath.Join(dir, "a.yaml"), "ab") }, true},
		{"new file", flat, func() { writeFile(t, filepath.Join(dir, "b.yaml"), "b") }, true},
		{"removed file", flat, func() { _ = os.Remove(filepath.Join(dir, "b.yaml")) }, true},
		{"upstreams file", flat, func() { writeFile(t, ups, "default/a:80=127.0.0.1:2\n") }, true},
		{"subdirectory without -R", flat, func() { writeFile(t, filepath.Join(sub, "c.yaml"), "c") }, false},
		{"subdirectory with -R", deep, func() { writeFile(t, filepath.Join(sub, "c.yaml"), "cc") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := stamp(tt.src)
			tt.edit()
			if changed := stamp(tt.src) != before; changed != tt.wantChanged {
				t.Errorf("stamp changed = %v, want %v", changed, tt.wantChanged)
			}
		})
	}
}
