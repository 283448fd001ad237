package nginx

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/internal/simtest"
)

// The differential test against a real nginx: the nginx
// profile's servers and locations are written as an nginx.conf in the
// form nginx.tmpl gives them (server_name, location lines with their
// modifiers in the controller's order), each location answering with its
// identity, and nginx itself, run on loopback, must pick the location the
// profile picks for every probe. Which location answers is nginx's
// algorithm (ngx_http_core_find_location), so this checks the profile
// against the real thing rather than against its own reading of the docs.

// nginxPackage is the Debian package that provides the nginx binary; CI
// installs it (.ci/run).
const nginxPackage = "nginx-light"

// nginxBinary returns the nginx binary, failing the test (never skipping)
// when it is missing.
func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatalf("nginx is not installed: the differential test runs the real nginx; install the Debian package %s (apt-get install %s)", nginxPackage, nginxPackage)
	return ""
}

// nginxLocID is the identity a rendered location answers with.
func nginxLocID(l *nginxLoc) string {
	switch {
	case l.builtin != "":
		return "builtin " + l.builtin
	case l.isDef || l.ing == nil:
		return "default"
	}
	return fmt.Sprintf("%s#%d#%d", l.ing.Key(), l.rule, l.index)
}

// nginxQuote quotes a name for nginx.conf, as template.go's quote does.
func nginxQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// nginxText quotes a text in which nginx expands variables, keeping "$"
// literal.
func nginxText(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", "${dollar}").Replace(s) + `"`
}

// renderNginxConf writes the configuration of st as nginx.tmpl does, as
// far as choosing a server and a location goes: one server per host (the
// catch-all "_" as default_server), wildcard hosts as the regex
// buildServerName writes, server aliases, the server-level app-root
// redirect, and per location the redirect annotations and a proxy_pass
// (which turns on nginx's trailing-slash redirect), then a return of the
// location's identity.
func renderNginxConf(st *nginxState, dir string, port int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "daemon off;\nmaster_process off;\nworker_processes 1;\npid %s;\nerror_log %s warn;\n",
		filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"))
	b.WriteString("events { worker_connections 64; }\nhttp {\n")
	for _, d := range []string{"client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"} {
		fmt.Fprintf(&b, "  %s %s;\n", d, filepath.Join(dir, strings.TrimSuffix(d, "_path")))
	}
	// nginx.tmpl's http block: server_name_in_redirect off,
	// port_in_redirect off; absolute_redirect only with
	// relative-redirects.
	b.WriteString("  access_log off;\n  server_name_in_redirect off;\n  port_in_redirect off;\n")
	b.WriteString("  server_names_hash_bucket_size 128;\n  geo $dollar { default \"$\"; }\n")
	hosts := make([]string, 0, len(st.servers))
	for h := range st.servers {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		srv := st.servers[h]
		if strings.Contains(strings.TrimPrefix(h, "*."), "*") {
			continue // the API server rejects the host (the engine leaves it out)
		}
		name := h
		switch {
		case h == "":
			name = "_"
		case strings.HasPrefix(h, "*."):
			// template.go buildServerName.
			name = `~^(?<subdomain>[\w-]+)\.` + strings.ReplaceAll(h[2:], ".", `\.`) + `$`
		}
		fmt.Fprintf(&b, "  server {\n    server_name %s", nginxQuote(name))
		for _, a := range srv.aliases {
			fmt.Fprintf(&b, " %s", nginxQuote(a))
		}
		b.WriteString(";\n")
		def := ""
		if h == "" {
			def = " default_server"
		}
		fmt.Fprintf(&b, "    listen 127.0.0.1:%d%s;\n", port, def)
		for _, l := range srv.locs {
			if l.ann != nil && l.ann.appRoot != "" {
				fmt.Fprintf(&b, "    if ($uri = /) { return 302 $scheme://$http_host%s; }\n", l.ann.appRoot)
			}
		}
		for _, l := range srv.locs {
			fmt.Fprintf(&b, "    location %s {\n", l.directive(srv.regex))
			if l.builtin == "" {
				b.WriteString("      proxy_pass http://127.0.0.1:9;\n")
			}
			if l.ann != nil && l.ann.relativeRedirects {
				b.WriteString("      absolute_redirect off;\n")
			}
			if l.ann != nil && l.ann.redirectURL != "" && !l.isDef {
				fmt.Fprintf(&b, "      return %d %s;\n", l.ann.redirectCode, nginxText(l.ann.redirectURL))
			}
			fmt.Fprintf(&b, "      return 200 %s;\n    }\n", nginxText(nginxLocID(l)))
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// realNginx is one running nginx.
type realNginx struct {
	port int
	cmd  *exec.Cmd
	dir  string
}

// nginxTest runs `nginx -t` on the configuration of st and returns its
// output and whether nginx accepts it.
func nginxTest(t *testing.T, bin string, st *nginxState) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(renderNginxConf(st, dir, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-t", "-q", "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log")).CombinedOutput()
	return string(out), err == nil
}

// startNginx runs nginx on a free loopback port with its prefix, pid and
// logs in a temporary directory; it is killed when the test ends.
func startNginx(t *testing.T, bin string, st *nginxState) *realNginx {
	t.Helper()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := filepath.Join(dir, "nginx.conf")
	text := renderNginxConf(st, dir, port)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %v\n%s\n%s\nconfiguration:\n%s", err, stderr.String(), log, text)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return &realNginx{port: port, cmd: cmd, dir: dir}
}

// get sends one request with a raw target and returns what nginx
// answered: "status N", "redirect N <Location>" or the location's
// identity.
func (n *realNginx) get(host, target string) (string, error) {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", n.port), 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, host); err != nil {
		return "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return fmt.Sprintf("redirect %d %s", resp.StatusCode, resp.Header.Get("Location")), nil
	case resp.StatusCode != http.StatusOK:
		return "status " + strconv.Itoa(resp.StatusCode), nil
	}
	return string(body), nil
}

// profileLocation is what the rendered configuration answers according
// to the profile's decision for an http request.
func profileLocation(st *nginxState, d simulate.Decision) (string, bool) {
	switch {
	case d.Status == http.StatusBadRequest:
		return "status 400", true
	case d.Status == http.StatusOK:
		return "builtin /healthz", true
	case d.Status == http.StatusForbidden:
		return "builtin /nginx_status", true
	case d.Redirect != "" && d.RedirectCode == nginxHTTPRedirectCode:
		// The HTTPS redirect is lua_ingress.lua's and not rendered: the
		// location is still the decision's.
	case d.Redirect != "":
		return fmt.Sprintf("redirect %d %s", d.RedirectCode, d.Redirect), true
	}
	if d.Matched && !d.DefaultBackend && d.Ingress != nil {
		r := st.routeFor(d.Ingress, d.Rule, d.PathIndex)
		if r == nil || len(r.locs) == 0 {
			return "", false
		}
		return nginxLocID(r.server.locs[r.locs[0]]), true
	}
	return "default", true
}

// nginxProbes returns request targets for a set: every rule path as
// written, with and without a trailing slash, extended, in upper case,
// and the paths nginx treats specially.
func nginxProbes(set *manifest.Set) (hosts, targets []string) {
	seenHost := map[string]bool{"unknown.example": true}
	hosts = []string{"unknown.example"}
	seen := map[string]bool{}
	add := func(p string) {
		if p == "" || !strings.HasPrefix(p, "/") || seen[p] || strings.ContainsAny(p, " \t\r\n#") {
			return
		}
		seen[p] = true
		targets = append(targets, p)
	}
	for _, p := range []string{"/", "/healthz", "/healthzx", "/nginx_status", "/nginx_status/x", "/..", "/../api", "/%2e%2e/api", "/a/../b", "/x"} {
		add(p)
	}
	for _, ing := range set.Ingresses {
		for _, r := range ing.Spec.Rules {
			h := strings.ToLower(r.Host)
			if strings.Contains(strings.TrimPrefix(h, "*."), "*") {
				continue
			}
			if strings.HasPrefix(h, "*.") {
				h = "sub" + h[1:]
			}
			if h != "" && !seenHost[h] {
				seenHost[h] = true
				hosts = append(hosts, h, "www."+h)
			}
			if r.HTTP == nil {
				continue
			}
			for _, p := range r.HTTP.Paths {
				path := p.Path
				if path == "" {
					path = "/"
				}
				trimmed := strings.TrimSuffix(path, "/")
				for _, q := range []string{path, trimmed, trimmed + "/", path + "x", trimmed + "/x", strings.ToUpper(path), trimmed + "x/y"} {
					add(q)
				}
			}
		}
	}
	return hosts, targets
}

// checkAgainstNginx compares the profile with a real nginx on every host
// and target, plus the extra requests.
func checkAgainstNginx(t *testing.T, bin string, set *manifest.Set, extra []simulate.Request) {
	t.Helper()
	st := newNginxState(set)
	out, ok := nginxTest(t, bin, st)
	if st.refused != "" {
		if ok || !strings.Contains(out, "duplicate location") {
			t.Fatalf("the profile says nginx refuses the configuration (%s), nginx -t: ok=%v %s\n%s", st.refused, ok, out, renderNginxConf(st, "/tmp", 1))
		}
		return
	}
	if !ok {
		t.Fatalf("nginx -t refuses the configuration the profile accepts:\n%s\n%s", out, renderNginxConf(st, "/tmp", 1))
	}
	ix, err := simulate.Compile(set, simulate.Options{Profile: Profile{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := startNginx(t, bin, st)
	hosts, targets := nginxProbes(set)
	var reqs []simulate.Request
	for _, h := range hosts {
		for _, p := range targets {
			reqs = append(reqs, simulate.Request{Scheme: "http", Host: h, Path: p})
		}
	}
	reqs = append(reqs, extra...)
	failures := 0
	for _, req := range reqs {
		if _, ok := st.wwwRedirects[simulate.CanonicalHost(req.Host)]; ok {
			continue // the redirect server's answer is Lua's, not rendered
		}
		d := ix.Lookup(req)
		want, ok := profileLocation(st, d)
		if !ok {
			t.Errorf("%s%s: the profile's decision names no location", req.Host, req.Path)
			continue
		}
		got, err := srv.get(req.Host, req.Path)
		if err != nil {
			t.Fatalf("%s%s: %v", req.Host, req.Path, err)
		}
		if !strings.HasPrefix(got, "redirect ") && !strings.HasPrefix(got, "status ") {
			// the profile's own reading of nginx's location search
			// (locate) must agree too
			if l := st.locate(st.server(simulate.CanonicalHost(req.Host)), d.NormalizedPath); l == nil || nginxLocID(l) != got {
				id := "none"
				if l != nil {
					id = nginxLocID(l)
				}
				failures++
				t.Errorf("http://%s%s: nginx answers %q, locate %q", req.Host, req.Path, got, id)
			}
		}
		if got != want {
			failures++
			if failures <= 10 {
				t.Errorf("http://%s%s: nginx answers %q, the profile %q (notes: %s)", req.Host, req.Path, got, want, strings.Join(d.Notes, "; "))
			}
		}
	}
	if failures > 0 {
		t.Logf("%d of %d probes differ; configuration:\n%s", failures, len(reqs), renderNginxConf(st, "/tmp", 1))
	}
}

// TestNginxAgainstRealNginx runs every nginx fixture of
// simulate/testdata/controllers and every entry of the FuzzLookup corpus through
// a real nginx.
func TestNginxAgainstRealNginx(t *testing.T) {
	bin := nginxBinary(t)
	files, err := filepath.Glob("../testdata/controllers/nginx-*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no nginx fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			set, data := simtest.LoadSet(t, f)
			var extra []simulate.Request
			for _, e := range simtest.ReadExpectations(t, data) {
				if e.Profile != "nginx" || len(e.Header) > 0 {
					continue
				}
				req, err := simulate.ParseRequest(e.URL, nil)
				if err != nil {
					t.Fatal(err)
				}
				extra = append(extra, req)
			}
			checkAgainstNginx(t, bin, set, extra)
		})
	}
	corpus, err := filepath.Glob("../testdata/fuzz/FuzzLookup/*")
	if err != nil || len(corpus) == 0 {
		t.Fatalf("no FuzzLookup corpus: %v", err)
	}
	for _, f := range corpus {
		rules, host, path, err := readLookupCorpus(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, regex := range []bool{false, true} {
			name := filepath.Base(f)
			if regex {
				name += "-use-regex"
			}
			t.Run(name, func(t *testing.T) {
				ings := simtest.FuzzIngresses(rules)
				if regex {
					// the first Ingress makes its hosts regex hosts
					ings[0].Annotations = map[string]string{AnnotationPrefix + "use-regex": "true"}
				}
				for _, ing := range ings {
					ing.Spec.IngressClassName = nil
				}
				var extra []simulate.Request
				if strings.HasPrefix(path, "/") && !strings.ContainsAny(path, " \t\r\n#") && validHostHeader(host) {
					extra = append(extra, simulate.Request{Scheme: "http", Host: host, Path: path})
				}
				checkAgainstNginx(t, bin, &manifest.Set{Ingresses: ings}, extra)
			})
		}
	}
}

// validHostHeader reports whether nginx would take host as a Host header
// (ngx_http_validate_host): no slashes, spaces or control characters.
func validHostHeader(host string) bool {
	if host == "" || strings.HasPrefix(host, ".") {
		return false
	}
	for _, c := range []byte(host) {
		if c <= ' ' || c == '/' || c == '\\' || c >= 0x7f {
			return false
		}
	}
	return true
}

// readLookupCorpus reads one FuzzLookup corpus file ("go test fuzz v1":
// []byte, string, string, bool, byte).
func readLookupCorpus(path string) (rules []byte, host, reqPath string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", "", err
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 4 || lines[0] != "go test fuzz v1" {
		return nil, "", "", fmt.Errorf("not a FuzzLookup corpus entry")
	}
	unq := func(s, prefix string) (string, error) {
		s = strings.TrimSuffix(strings.TrimPrefix(s, prefix+"("), ")")
		return strconv.Unquote(s)
	}
	r, err := unq(lines[1], "[]byte")
	if err != nil {
		return nil, "", "", err
	}
	if host, err = unq(lines[2], "string"); err != nil {
		return nil, "", "", err
	}
	if reqPath, err = unq(lines[3], "string"); err != nil {
		return nil, "", "", err
	}
	return []byte(r), host, reqPath, nil
}
