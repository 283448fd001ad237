package manifest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Defaults for Options.
const (
	// DefaultMaxFileSize was the bound on one file or stream; loads are
	// bounded by the nodes they decode instead (DefaultMaxNodes,
	// DefaultMaxTotalNodes), so that a large `helm template` output
	// loads.
	//
	// Deprecated: Options.MaxFileSize is no longer set by default.
	DefaultMaxFileSize = 64 << 20
	// DefaultMaxNodes bounds the YAML nodes one document may expand to,
	// counting every expansion of an alias.
	DefaultMaxNodes = 1 << 20
	// DefaultMaxTotalNodes bounds the YAML nodes all documents of a load
	// may expand to together, counting every expansion of an alias: many
	// documents each just under DefaultMaxNodes cannot add up to an
	// unbounded amount of work and memory. A `helm template` output of
	// 50,000 Ingresses with their Services is about 6 million nodes.
	DefaultMaxTotalNodes = 1 << 26
	// streamAbove is the file size from which a file is read document by
	// document into buffers of their own, so that each document is freed
	// once parsed instead of the whole file living until the load ends.
	streamAbove = 4 << 20
	// DefaultNamespace is what kubectl uses when neither the object nor
	// the flags name one.
	DefaultNamespace = "default"
)

// Options configures Load. The zero value reads nothing.
type Options struct {
	// Paths are files, directories, or "-" for Stdin, as kubectl -f takes
	// them.
	Paths []string
	// Recursive descends into subdirectories (kubectl -R).
	Recursive bool
	// Stdin is read for the path "-".
	Stdin io.Reader
	// StdinName names Stdin in positions and messages; empty means
	// "<stdin>". A caller that feeds rendered output (kustomize) names it.
	StdinName string
	// Relocate, when set, maps every position the load records (of
	// objects, fields, duplicate keys and input errors) to where the
	// text was written before it was rendered: kustomize's output back
	// to the files of the kustomization. It returns a position it cannot
	// map unchanged. Field positions are mapped when asked for
	// (Source.FieldPos), so it must be safe for concurrent use.
	Relocate func(Pos) Pos
	// Namespace is given to namespaced objects that do not name one;
	// empty means DefaultNamespace.
	Namespace string
	// MaxFileSize, when positive, bounds each file in bytes; 0 sets no
	// bound on bytes: MaxNodes and MaxTotalNodes bound what the input
	// expands to.
	MaxFileSize int64
	// MaxNodes bounds each document; 0 means DefaultMaxNodes.
	MaxNodes int
	// MaxTotalNodes bounds all documents of the load together; 0 means
	// DefaultMaxTotalNodes.
	MaxTotalNodes int64
	// Workers decode documents in parallel; 0 means GOMAXPROCS.
	Workers int
	// Warn, when set, is told about inputs skipped without an error: a
	// named pipe, socket or device with a manifest's name inside a
	// directory.
	Warn func(pos Pos, msg string)
}

// manifestExt lists the file endings read from directories.
var manifestExt = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// Load reads every path in opts. It returns every valid object even when
// some inputs are bad; the bad ones are reported together in a *LoadError.
func Load(ctx context.Context, opts Options) (*Set, error) {
	var errs []*InputError
	var inputs []input
	for _, p := range opts.Paths {
		in, err := collect(ctx, p, opts)
		errs = append(errs, err...)
		inputs = append(inputs, in...)
	}
	set, perr := parseInputs(ctx, inputs, opts)
	errs = append(errs, perr...)
	if err := ctx.Err(); err != nil {
		return set, err
	}
	if len(errs) > 0 {
		return set, &LoadError{Errors: errs}
	}
	return set, nil
}

// Parse reads one document stream held in memory; name is used in
// positions.
func Parse(name string, data []byte, opts Options) (*Set, error) {
	// The loaded objects keep copies of what they hold (strArena), so
	// data is only read, and only during the call.
	set, errs := parseInputs(context.Background(), []input{{name: name, data: data}}, opts)
	if len(errs) > 0 {
		return set, &LoadError{Errors: errs}
	}
	return set, nil
}

// input is one file or stream. Its data is never modified once read; the
// loaded objects keep copies of the strings they hold (strArena). A
// streamed input (readStream) has no data but its documents, already
// split, each in a buffer of its own.
type input struct {
	name string
	data []byte

	streamed bool
	parts    [][]byte
	starts   []int
	bad      string // badContent of the stream
}

// collect expands one -f argument into the files it names.
func collect(ctx context.Context, p string, opts Options) ([]input, []*InputError) {
	max := opts.MaxFileSize
	if p == "-" {
		name := opts.StdinName
		if name == "" {
			name = "<stdin>"
		}
		if opts.Stdin == nil {
			return nil, []*InputError{{Pos: Pos{File: name}, Msg: "no standard input to read"}}
		}
		r := opts.Stdin
		if max > 0 {
			r = io.LimitReader(r, max+1)
		}
		in, n, err := readStream(name, r)
		if err != nil {
			return nil, []*InputError{{Pos: Pos{File: name}, Msg: err.Error()}}
		}
		if max > 0 && n > max {
			return nil, []*InputError{{Pos: Pos{File: name}, Msg: fmt.Sprintf("input is larger than the %d-byte limit; split it into several files", max)}}
		}
		return []input{in}, nil
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, []*InputError{{Pos: Pos{File: p}, Msg: statMessage(err)}}
	}
	if !st.IsDir() {
		var in input
		var ierr *InputError
		if st.Mode().IsRegular() {
			in, ierr = readFile(p, st.Size(), max)
		} else {
			in, ierr = readSpecial(ctx, p, st.Mode(), max)
		}
		if ierr != nil {
			return nil, []*InputError{ierr}
		}
		return []input{in}, nil
	}
	var files []string
	// An unreadable subdirectory is reported by its own path and the
	// walk goes on, so the files beside it still load.
	var walkErrs []*InputError
	walkErr := walkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == p {
				return err
			}
			walkErrs = append(walkErrs, &InputError{Pos: Pos{File: path}, Msg: statMessage(err)})
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != p && !opts.Recursive {
				return filepath.SkipDir
			}
			return nil
		}
		if !manifestExt[strings.ToLower(filepath.Ext(path))] {
			return nil
		}
		if !d.Type().IsRegular() {
			// A named pipe would block the read until something
			// writes to it, a device or socket forever: inside a
			// directory only regular files (and links to them) are
			// read.
			st, err := os.Stat(path)
			if err != nil {
				walkErrs = append(walkErrs, &InputError{Pos: Pos{File: path}, Msg: statMessage(err)})
				return nil
			}
			if !st.Mode().IsRegular() {
				if opts.Warn != nil {
					opts.Warn(Pos{File: path}, fmt.Sprintf("skipped: not a regular file (%s); give it with -f to read it", fileKind(st.Mode())))
				}
				return nil
			}
		}
		files = append(files, path)
		return nil
	})
	if walkErr != nil {
		return nil, []*InputError{{Pos: Pos{File: p}, Msg: statMessage(walkErr)}}
	}
	if len(files) == 0 && len(walkErrs) > 0 {
		return nil, walkErrs
	}
	if len(files) == 0 {
		msg := "directory holds no .yaml, .yml or .json files"
		if !opts.Recursive {
			msg += " (use -R to read its subdirectories)"
		}
		return nil, []*InputError{{Pos: Pos{File: p}, Msg: msg}}
	}
	sort.Strings(files)
	read := make([]input, len(files))
	readErrs := make([]*InputError, len(files))
	parallel(len(files), opts.Workers, func(i int) {
		f := files[i]
		st, err := os.Stat(f)
		if err != nil {
			readErrs[i] = &InputError{Pos: Pos{File: f}, Msg: statMessage(err)}
			return
		}
		read[i], readErrs[i] = readFile(f, st.Size(), max)
	})
	var ins []input
	errs := walkErrs
	for i := range files {
		if readErrs[i] != nil {
			errs = append(errs, readErrs[i])
			continue
		}
		ins = append(ins, read[i])
	}
	return ins, errs
}

// parallel calls fn for 0 to n-1 on workers goroutines (0 means
// GOMAXPROCS). Workers take the next index by counting, not from a
// channel: with tens of thousands of small documents, handing each over
// on a channel woke a sleeping goroutine per document and cost more than
// some documents take to decode.
func parallel(n, workers int, fn func(i int)) {
	parallelWith(context.Background(), n, workers, func(_ *struct{}, i int) { fn(i) })
}

// parallelWith is parallel with state that each worker keeps from one
// index to the next (a parser, say; zero at the start), and it hands out
// no more indexes once ctx is done.
func parallelWith[S any](ctx context.Context, n, workers int, fn func(s *S, i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s S
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(&s, i)
			}
		}()
	}
	wg.Wait()
}

// walkDir is filepath.WalkDir; tests replace it to make a directory
// unreadable, which permissions cannot do for root.
var walkDir = filepath.WalkDir

// fileKind names what a file that is not a regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// readSpecial reads a path given by name that is not a regular file: a
// named pipe (process substitution, /dev/stdin) or a character device is
// read as a stream, its opening bounded by pipeOpenWait and both the
// opening and the reading ended when ctx is done; anything else is an
// error.
func readSpecial(ctx context.Context, p string, mode fs.FileMode, max int64) (input, *InputError) {
	if mode&(fs.ModeNamedPipe|fs.ModeCharDevice) == 0 {
		return input{}, &InputError{Pos: Pos{File: p}, Msg: fmt.Sprintf("%s, not a file of manifests", fileKind(mode))}
	}
	f, err := openPipe(ctx, p)
	if err != nil {
		return input{}, &InputError{Pos: Pos{File: p}, Msg: statMessage(err)}
	}
	defer f.Close()
	// A pipe's file is in the runtime's poller, so a deadline in the
	// past ends a read that waits for a writer that never writes.
	stop := context.AfterFunc(ctx, func() { _ = f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	var r io.Reader = f
	if max > 0 {
		r = io.LimitReader(r, max+1)
	}
	in, n, err := readStream(p, r)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return input{}, &InputError{Pos: Pos{File: p}, Msg: statMessage(err)}
	}
	if max > 0 && n > max {
		return input{}, &InputError{Pos: Pos{File: p}, Msg: fmt.Sprintf("input is larger than the %d-byte limit; split it into several files", max)}
	}
	return in, nil
}

func readFile(p string, size, max int64) (input, *InputError) {
	if max > 0 && size > max {
		return input{}, &InputError{Pos: Pos{File: p}, Msg: fmt.Sprintf("file is %d bytes, over the %d-byte limit; split it into several files", size, max)}
	}
	if size > streamAbove {
		f, err := os.Open(p)
		if err != nil {
			return input{}, &InputError{Pos: Pos{File: p}, Msg: statMessage(err)}
		}
		defer f.Close()
		in, _, err := readStream(p, f)
		if err != nil {
			return input{}, &InputError{Pos: Pos{File: p}, Msg: statMessage(err)}
		}
		return in, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return input{}, &InputError{Pos: Pos{File: p}, Msg: statMessage(err)}
	}
	return input{name: p, data: data}, nil
}

// readStream reads r document by document, cutting where SplitDocuments
// cuts, each document into a buffer of its own, and returns the input and
// the bytes read. Only the documents' bytes are held, never the stream
// twice.
func readStream(name string, r io.Reader) (input, int64, error) {
	in := input{name: name, streamed: true}
	br := bufio.NewReaderSize(r, 64<<10)
	var doc []byte
	var head []byte // the first bytes, for badContent
	var n int64
	line, startLine := 0, 0
	blank := true
	// doc is a scratch buffer reused from document to document; each
	// document gets a copy of exactly its size.
	cut := func() {
		in.parts = append(in.parts, bytes.Clone(doc))
		in.starts = append(in.starts, startLine)
		doc = doc[:0]
	}
	for {
		l, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: gather it whole.
			long := append([]byte(nil), l...)
			for err == bufio.ErrBufferFull {
				l, err = br.ReadSlice('\n')
				long = append(long, l...)
			}
			l = long
		}
		if len(l) > 0 {
			n += int64(len(l))
			if len(head) < 8000 {
				head = append(head, l[:min(len(l), 8000-len(head))]...)
			}
			if len(doc) > 0 && IsDocMarker(l) {
				cut()
				startLine = line
			}
			if blank && len(bytes.TrimSpace(l)) > 0 {
				blank = false
			}
			doc = append(doc, l...)
			line++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return input{}, n, err
		}
	}
	if len(doc) > 0 || len(in.parts) == 0 {
		cut()
	}
	switch {
	case blank:
		in.bad = "file is empty"
	default:
		in.bad = badContent(head)
	}
	return in, n, nil
}

func statMessage(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file or directory"
	case os.IsPermission(err):
		return "permission denied"
	}
	var pe *fs.PathError
	if ok := asPathError(err, &pe); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

func asPathError(err error, pe **fs.PathError) bool {
	p, ok := err.(*fs.PathError)
	if ok {
		*pe = p
	}
	return ok
}

// chunk is one YAML document of a file, split off before parsing so that
// documents parse in parallel.
type chunk struct {
	file int // index into the inputs
	name string
	seq  int // index of the chunk in its file
	line int // lines before the chunk in its file
	data []byte
	// set receives the chunk's objects. A decoding worker allocates it, so
	// that the serial split allocates (and faults in) as little as it can;
	// it stays nil when a cancelled context cut the load short.
	set   *objects
	errs  []*InputError
	isDoc bool // the chunk holds at least one object
	// nodes is what the chunk's documents expand to, counted against
	// Options.MaxTotalNodes; unspent is set when a document was not
	// decoded because the budget looked spent (see overBudget).
	nodes   int64
	unspent bool
}

// SplitDocuments cuts a stream at lines that start a YAML document ("---"
// at column 0) and returns the pieces with the 0-based line each starts on.
// The YAML spec forbids such a line inside any document content
// (c-forbidden), so the cut never lands inside a value.
func SplitDocuments(data []byte) (chunks [][]byte, starts []int) {
	start, startLine, line := 0, 0, 0
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		next := len(data)
		if end >= 0 {
			next = i + end + 1
		}
		l := data[i:next]
		if i != start && IsDocMarker(l) {
			chunks = append(chunks, data[start:i])
			starts = append(starts, startLine)
			start, startLine = i, line
		}
		line++
		i = next
	}
	chunks = append(chunks, data[start:])
	starts = append(starts, startLine)
	return chunks, starts
}

// IsDocMarker reports whether a line starts a YAML document ("---" alone
// or followed by a space, a tab or the line end).
func IsDocMarker(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r'
}

func parseInputs(ctx context.Context, inputs []input, opts Options) (*Set, []*InputError) {
	set := &Set{Skipped: map[string]int{}}
	var errs []*InputError
	type split struct {
		bad    string
		parts  [][]byte
		starts []int
	}
	splits := make([]split, len(inputs))
	parallel(len(inputs), opts.Workers, func(i int) {
		sp := &splits[i]
		if in := &inputs[i]; in.streamed {
			sp.bad, sp.parts, sp.starts = in.bad, in.parts, in.starts
			if sp.bad != "" {
				sp.parts, sp.starts = nil, nil
			}
			sp.parts, sp.starts = splitFirstJSON(sp.parts, sp.starts)
			return
		}
		if sp.bad = badContent(inputs[i].data); sp.bad == "" {
			sp.parts, sp.starts = splitStream(inputs[i].data)
		}
	})
	total := 0
	for _, sp := range splits {
		total += len(sp.parts)
	}
	slab := make([]chunk, 0, total)
	chunks := make([]*chunk, 0, total)
	for fi, in := range inputs {
		set.Files = append(set.Files, in.name)
		sp := splits[fi]
		if sp.bad != "" {
			errs = append(errs, &InputError{Pos: Pos{File: in.name}, Msg: sp.bad})
			continue
		}
		for i, part := range sp.parts {
			slab = append(slab, chunk{file: fi, name: in.name, seq: i, line: sp.starts[i], data: part})
			chunks = append(chunks, &slab[len(slab)-1])
		}
	}
	// From here on only the chunks refer to the bytes of the inputs, so
	// that a file's bytes are freed as soon as its last document is
	// parsed, not when the load ends.
	for i := range inputs {
		inputs[i].data, inputs[i].parts = nil, nil
		splits[i].parts, splits[i].starts = nil, nil
	}
	// Each worker keeps its parser from one chunk to the next.
	budget := &nodeBudget{max: opts.MaxTotalNodes}
	if budget.max <= 0 {
		budget.max = DefaultMaxTotalNodes
	}
	parallelWith(ctx, len(chunks), opts.Workers, func(lw *loadWorker, i int) {
		parseChunk(chunks[i], opts, lw, budget)
		if !chunks[i].unspent {
			// The loaded objects keep copies of what they hold
			// (strArena), so a document is not needed once parsed:
			// a streamed one, in a buffer of its own, is freed
			// now, the others with the last document of their file.
			chunks[i].data = nil
		}
	})
	budgetErr := overBudget(chunks, budget, opts)
	// Files whose every chunk was empty hold no objects.
	hasDoc := make(map[int]bool)
	hasErr := make(map[int]bool)
	var ings, svcs, secs, classes int
	for _, c := range chunks {
		if c.set != nil {
			ings += len(c.set.Ingresses)
			svcs += len(c.set.Services)
			secs += len(c.set.Secrets)
			classes += len(c.set.IngressClasses)
		}
	}
	set.Ingresses = slices.Grow(set.Ingresses, ings)
	set.Services = slices.Grow(set.Services, svcs)
	set.Secrets = slices.Grow(set.Secrets, secs)
	set.IngressClasses = slices.Grow(set.IngressClasses, classes)
	for _, c := range chunks {
		if c.set == nil {
			continue
		}
		set.Ingresses = append(set.Ingresses, c.set.Ingresses...)
		set.Services = append(set.Services, c.set.Services...)
		set.Secrets = append(set.Secrets, c.set.Secrets...)
		set.IngressClasses = append(set.IngressClasses, c.set.IngressClasses...)
		set.GatewayObjects.appendAll(&c.set.GatewayObjects)
		set.IstioObjects.appendAll(&c.set.IstioObjects)
		set.GCEObjects.appendAll(&c.set.GCEObjects)
		for k, n := range c.set.Skipped {
			set.Skipped[k] += n
		}
		errs = append(errs, c.errs...)
		hasDoc[c.file] = hasDoc[c.file] || c.isDoc
		hasErr[c.file] = hasErr[c.file] || len(c.errs) > 0
	}
	if budgetErr != nil {
		errs = append(errs, budgetErr)
	}
	for fi, in := range inputs {
		if splits[fi].bad == "" && !hasDoc[fi] && !hasErr[fi] && ctx.Err() == nil && budgetErr == nil {
			errs = append(errs, &InputError{Pos: Pos{File: in.name}, Msg: "holds no Kubernetes objects (only blank lines or comments)"})
		}
	}
	if len(set.Skipped) == 0 {
		set.Skipped = nil
	}
	if opts.Relocate != nil {
		for _, e := range errs {
			e.Pos = opts.Relocate(e.Pos)
		}
	}
	return set, errs
}

// badContent rejects inputs that cannot be manifests before parsing them.
func badContent(data []byte) string {
	if len(bytes.TrimSpace(data)) == 0 {
		return "file is empty"
	}
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "binary file, not a YAML or JSON manifest"
	}
	return ""
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlLineSkew corrects the line go.yaml.in/yaml/v3 puts in an error. Its
// parser.fail (decode.go) reports the 0-based line of the error's context
// (the start of the flow or block collection) for parser errors, and adds
// one only for scanner errors; the tab check is a scanner error whose mark
// is the line before the tab. The problems listed here are the ones whose
// line comes out one short.
func yamlLineSkew(problem string) int {
	for _, p := range []string{
		"did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"did not find expected key",
		"did not find expected '-' indicator",
		"found a tab character that violates indentation",
	} {
		if problem == p {
			return 1
		}
	}
	return 0
}

// loadWorker holds what one decoding goroutine reuses from document to
// document.
type loadWorker struct {
	fast   fastParser
	fields fieldBuilder
	// ents is the decoder's stack of mapping entries (nodeDecoder.ents).
	ents []entry
	// strs holds the strings the loaded objects keep (strArena).
	strs strArena
}

// nodeBudget counts the nodes the documents of one load expand to, across
// the decoding workers (Options.MaxTotalNodes). Workers stop decoding
// once the budget is spent; which documents are left out is then decided
// in input order (overBudget), so that the answer does not depend on how
// the workers ran.
type nodeBudget struct {
	max  int64
	used atomic.Int64
}

// spend takes n nodes and reports whether they fit.
func (b *nodeBudget) spend(n int) bool { return b.used.Add(int64(n)) <= b.max }

// overBudget leaves out, in input order, the chunks from the one at
// which the load's nodes exceed the budget, and reports the error there.
// A chunk before that one that a worker skipped, because chunks after it
// had spent the budget first, is decoded now.
func overBudget(chunks []*chunk, budget *nodeBudget, opts Options) *InputError {
	if budget.used.Load() <= budget.max {
		return nil
	}
	var sum int64
	var w *loadWorker
	for i, c := range chunks {
		sum += c.nodes
		if sum <= budget.max {
			if c.unspent {
				if w == nil {
					w = &loadWorker{}
				}
				*c = chunk{file: c.file, name: c.name, seq: c.seq, line: c.line, data: c.data}
				parseChunk(c, opts, w, &nodeBudget{max: budget.max})
			}
			continue
		}
		for _, d := range chunks[i:] {
			d.set, d.errs = nil, nil
		}
		return &InputError{Pos: Pos{File: c.name, Line: c.line + 1}, Msg: fmt.Sprintf(errTotalBudget, budget.max)}
	}
	return nil
}

// errTotalBudget is the message for the document at which a load exceeds
// Options.MaxTotalNodes.
const errTotalBudget = "the input expands to more than %d YAML nodes in all (aliases count every time they are expanded); the documents from here on were not loaded: split the input"

func parseChunk(c *chunk, opts Options, w *loadWorker, budget *nodeBudget) {
	c.set = &objects{}
	defer func() {
		// The YAML parser is third-party code: a panic on some input must
		// become an input error, never a crash.
		if r := recover(); r != nil {
			c.errs = append(c.errs, &InputError{Pos: Pos{File: c.name, Line: c.line + 1}, Msg: fmt.Sprintf("cannot parse this document: %v", r)})
		}
	}()
	if root, ok := w.fast.parse(c.data); ok {
		// The fast parser makes no aliases, so the document expands to
		// exactly the nodes it made (the document node aside), the size
		// expandedSize would compute.
		c.load(root.Content[0], w.fast.count-1, opts, w, budget)
		return
	}
	dec := yaml.NewDecoder(bytes.NewReader(c.data))
	for {
		var root yaml.Node
		err := dec.Decode(&root)
		if err == io.EOF {
			return
		}
		if err != nil {
			c.errs = append(c.errs, yamlError(err, c))
			return
		}
		if len(root.Content) == 0 {
			continue
		}
		c.load(root.Content[0], -1, opts, w, budget)
	}
}

// load loads the objects of one document whose root is n. size is the
// number of nodes n expands to, or -1 when it must be computed. w holds
// what is reused from object to object.
func (c *chunk) load(n *yaml.Node, size int, opts Options, w *loadWorker, budget *nodeBudget) {
	l := &docLoader{file: c.name, line: c.line, doc: c.seq, opts: opts, set: c.set, w: w}
	if size > l.limit() {
		c.errs = append(c.errs, &InputError{Pos: l.pos(n), Msg: fmt.Sprintf(errBudget, l.limit())})
		return
	}
	if size < 0 {
		at, sz, bad := expandedSize(n, l.limit())
		if bad {
			c.errs = append(c.errs, &InputError{Pos: l.pos(at), Msg: fmt.Sprintf(errBudget, l.limit())})
			return
		}
		size = sz
	}
	c.nodes += int64(size)
	if !budget.spend(size) {
		c.isDoc, c.unspent = true, true
		return
	}
	l.object(n, "")
	c.errs = append(c.errs, l.errs...)
	c.isDoc = c.isDoc || l.objects > 0 || len(l.errs) > 0
}

func yamlError(err error, c *chunk) *InputError {
	msg := err.Error()
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		n += yamlLineSkew(m[2])
		return &InputError{Pos: Pos{File: c.name, Line: c.line + n}, Msg: "invalid YAML: " + m[2]}
	}
	if line, col, b, ok := badUTF8(c.data); ok && strings.Contains(msg, "UTF-8") {
		// yaml/v3's reader names no line for bytes that are not UTF-8.
		return &InputError{Pos: Pos{File: c.name, Line: c.line + line, Col: col},
			Msg: fmt.Sprintf("byte 0x%02X is not UTF-8 (the file may be Windows-1252 or Latin-1); save it as UTF-8", b)}
	}
	if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
		msg = strings.Join(te.Errors, "; ")
	}
	return &InputError{Pos: Pos{File: c.name, Line: c.line + 1}, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// expandedSize checks that a document, with every alias expanded, stays
// within limit nodes, without expanding anything: sizes are memoized per
// node, so a "billion laughs" document costs time linear in its text. It
// returns the node where the limit was crossed.
func expandedSize(root *yaml.Node, limit int) (*yaml.Node, int, bool) {
	memo := map[*yaml.Node]int{}
	var size func(n *yaml.Node, depth int) int
	size = func(n *yaml.Node, depth int) int {
		if v, ok := memo[n]; ok {
			return v
		}
		if depth > 10000 {
			return limit + 1
		}
		total := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			memo[n] = limit + 1 // a cycle counts as unbounded
			total = size(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			total += size(c, depth+1)
			if total > limit {
				total = limit + 1
				break
			}
		}
		memo[n] = total
		return total
	}
	if n := size(root, 0); n <= limit {
		return nil, n, false
	}
	return root, 0, true
}
