package proxy

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/ingresskit/ingresskit/manifest"
)

// Source says where the routing table comes from.
type Source struct {
	// Manifests is passed to manifest.Load. Its files and directories are
	// watched by Watch; "-" (standard input) is read once.
	Manifests manifest.Options
	// Upstreams are mappings given on the command line; they win over
	// UpstreamsFile for the same backend.
	Upstreams []Upstream
	// UpstreamsFile is a file of NS/SERVICE:PORT=HOST:PORT lines, read
	// (and watched) with the manifests; empty means none.
	UpstreamsFile string
	// Forward, when set, is asked at every load for upstreams of the
	// backends that UpstreamsFile and Upstreams leave without one: it
	// gets the routes of the new table built without it and returns
	// upstreams for the rows whose Upstream is empty (the port-forwards
	// `proxy --port-forward` opens, also for backends an edit adds).
	// They rank below UpstreamsFile and Upstreams. An error keeps the
	// previous table, as a bad manifest does.
	Forward func(ctx context.Context, routes []Route) ([]Upstream, error)
	// ForwardDone, when set, is called after each load that called
	// Forward: applied reports whether the new table, with the upstreams
	// Forward returned, is in place. Forwards the new table no longer
	// needs can be stopped then, and not before: a failed load keeps
	// the previous table, which may still use them.
	ForwardDone func(applied bool)
}

// Load reads the manifests and the upstreams file and swaps the new
// table in. Any input error (a *manifest.LoadError naming file:line)
// keeps the previous table: a half-saved edit never takes routes away.
func (p *Proxy) Load(ctx context.Context, src Source) error {
	set, err := manifest.Load(ctx, src.Manifests)
	if err != nil {
		return err
	}
	return p.LoadSet(ctx, set, src)
}

// LoadSet is Load for Ingresses already read (from a cluster, say):
// src.Manifests is not read; its upstreams file and src.Forward are.
func (p *Proxy) LoadSet(ctx context.Context, set *manifest.Set, src Source) error {
	var fromFile []Upstream
	if src.UpstreamsFile != "" {
		var err error
		if fromFile, err = ReadUpstreamsFile(src.UpstreamsFile); err != nil {
			return err
		}
	}
	lists := [][]Upstream{fromFile, src.Upstreams}
	if src.Forward != nil {
		t, err := p.build(set, lists...)
		if err != nil {
			return err
		}
		fwd, err := src.Forward(ctx, t.rows())
		if err != nil {
			if src.ForwardDone != nil {
				src.ForwardDone(false)
			}
			return err
		}
		// Earlier lists rank lower (newUpstreamMap): the forwards first.
		lists = append([][]Upstream{fwd}, lists...)
	}
	err := p.Update(set, lists...)
	if src.Forward != nil && src.ForwardDone != nil {
		src.ForwardDone(err == nil)
	}
	return err
}

// WatchOptions configures Watch.
type WatchOptions struct {
	// Interval is how often the files are checked; 0 means 500ms.
	Interval time.Duration
	// Reloaded is called after each reload caused by a change, with the
	// error of Load (nil when the new table is in place).
	Reloaded func(error)
}

// Watch checks the files of src every Interval and calls Load when one
// was written, created, renamed or removed, until ctx is done. Polling
// sizes and modification times catches editors that save by renaming a
// new file into place, which event-based watchers lose track of.
func (p *Proxy) Watch(ctx context.Context, src Source, o WatchOptions) {
	if o.Interval == 0 {
		o.Interval = 500 * time.Millisecond
	}
	last := stamp(src)
	tick := time.NewTicker(o.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := stamp(src)
		if now == last {
			continue
		}
		last = now
		err := p.Load(ctx, src)
		if ctx.Err() != nil {
			return
		}
		if o.Reloaded != nil {
			o.Reloaded(err)
		}
	}
}

// stamp digests the names, sizes and modification times of every file
// Load would read.
func stamp(src Source) [sha256.Size]byte {
	h := sha256.New()
	add := func(path string, info fs.FileInfo, err error) {
		if err != nil {
			fmt.Fprintf(h, "%s\x00error %v\x00", path, err)
			return
		}
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00", path, info.Size(), strconv.FormatInt(info.ModTime().UnixNano(), 10))
	}
	paths := append([]string(nil), src.Manifests.Paths...)
	if src.UpstreamsFile != "" {
		paths = append(paths, src.UpstreamsFile)
	}
	for _, root := range paths {
		if root == "-" {
			continue
		}
		info, err := os.Stat(root)
		if err != nil || !info.IsDir() {
			add(root, info, err)
			continue
		}
		var files []string
		infos := map[string]fs.FileInfo{}
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if path != root && !src.Manifests.Recursive {
					return filepath.SkipDir
				}
				return nil
			}
			if fi, err := d.Info(); err == nil {
				files = append(files, path)
				infos[path] = fi
			}
			return nil
		})
		sort.Strings(files)
		for _, f := range files {
			add(f, infos[f], nil)
		}
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}
