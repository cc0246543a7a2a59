// gitgate-render renders one Kustomize root or one Helm chart from files it is handed, and nothing else.
//
// Protocol: one JSON request on stdin, one JSON response on stdout (see request and response below).
// The files are a snapshot of the repository that the caller read (one commit): text files as text,
// and the binary files a target needs (a secretGenerator's keystore, a chart's `.Files.Get`) as
// base64. They are put in an in-memory file system, so a kustomization or a chart can reach no file of the machine, only what
// the caller chose to hand over. Plugins that execute programs (exec/Go plugins, `helmCharts:`) are
// disabled; the Helm engine has no cluster client (`lookup` returns nothing). The caller bounds the
// time (it kills this process); the memory bound is enforced here (see boundMemory).
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/ignore"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// The protocol's version, in every answer: Gitgate refuses the answer of a helper speaking another
// (one named by GITGATE_RENDER may have been built from another version of Gitgate).
// 2: binaryFiles. 3: templates. 4: the version in every answer. 5: ignored.
const protocolVersion = 5

type request struct {
	Kind string `json:"kind"` // "kustomize", "helm" or "version"
	// Repository path → text. Paths are relative to the repository root, "/"-separated.
	Files map[string]string `json:"files"`
	// Repository path → bytes, base64 (standard encoding): the binary files the target reads.
	BinaryFiles map[string]string `json:"binaryFiles,omitempty"`
	// kustomize: the folder holding the kustomization, relative to the repository root.
	Root string `json:"root,omitempty"`
	// helm: the chart folder, values sources in merge order (later wins), the release.
	Chart     string        `json:"chart,omitempty"`
	Values    []valueSource `json:"values,omitempty"`
	Release   string        `json:"release,omitempty"`
	Namespace string        `json:"namespace,omitempty"`
	// The Kubernetes release templates see as .Capabilities.KubeVersion, e.g. "1.36".
	KubeVersion string `json:"kubeVersion,omitempty"`
	// helm: a random word the caller chose, written on the line after each template's "# Source:"
	// line. A template cannot know it, so it cannot forge a header that moves its objects elsewhere.
	SourceMarker string `json:"sourceMarker,omitempty"`
	MemoryMiB    int    `json:"memoryMiB,omitempty"`
}

// One layer of Helm values: a repository file or inline text (YAML) from an Application or HelmRelease.
type valueSource struct {
	Path string `json:"path,omitempty"`
	Text string `json:"text,omitempty"`
}

type response struct {
	OK   bool   `json:"ok"`
	YAML string `json:"yaml,omitempty"`
	// kustomize: for each rendered document, in order, the repository file it was read from ("" when
	// a generator made it), from kustomize's origin annotations.
	Origins []string `json:"origins,omitempty"`
	// helm: every template of the chart and its subcharts that Helm renders on its own, by the name its
	// `# Source:` header would carry, subcharts a condition turns off included (see templateNames).
	Templates []string `json:"templates,omitempty"`
	// helm: the chart's files Helm leaves out as it loads the chart's folder (.helmignore, dotfiles in
	// templates/), as repository paths.
	Ignored  []string `json:"ignored,omitempty"`
	Error    string   `json:"error,omitempty"`
	Protocol int      `json:"protocol"`
	// For "version": what this binary links, so the caller can name it.
	Kustomize string `json:"kustomize,omitempty"`
	Helm      string `json:"helm,omitempty"`
}

func main() {
	var req request
	dec := json.NewDecoder(io.LimitReader(os.Stdin, 256<<20))
	if err := dec.Decode(&req); err != nil {
		reply(response{Error: "gitgate-render: cannot read the request: " + err.Error()})
		return
	}
	if req.MemoryMiB > 0 {
		boundMemory(uint64(req.MemoryMiB) << 20)
	}
	var out string
	var origins, templates, ignored []string
	var err error
	switch req.Kind {
	case "version":
		reply(versionInfo())
		return
	case "kustomize":
		out, origins, err = renderKustomize(req)
	case "helm":
		out, templates, ignored, err = renderHelm(req)
	default:
		err = fmt.Errorf("unknown request kind %q", req.Kind)
	}
	if err != nil {
		reply(response{Error: err.Error()})
		return
	}
	reply(response{OK: true, YAML: out, Origins: origins, Templates: templates, Ignored: ignored})
}

func reply(r response) {
	r.Protocol = protocolVersion
	_ = json.NewEncoder(os.Stdout).Encode(r)
}

// boundMemory stops the process with a clear answer once its heap passes the bound: Go has no hard
// heap limit, so a watcher samples it (a soft limit first makes the collector work harder near it).
func boundMemory(limit uint64) {
	debug.SetMemoryLimit(int64(limit))
	go func() {
		var stats runtime.MemStats
		for {
			runtime.ReadMemStats(&stats)
			if stats.HeapAlloc > limit {
				reply(response{Error: fmt.Sprintf("rendering used more than the memory bound of %d MiB and was stopped", limit>>20)})
				os.Exit(3)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
}

func versionInfo() response {
	r := response{OK: true, Protocol: protocolVersion}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			switch dep.Path {
			case "sigs.k8s.io/kustomize/api":
				r.Kustomize = dep.Version
			case "helm.sh/helm/v3":
				r.Helm = dep.Version
			}
		}
	}
	return r
}

// snapshotFiles is every handed file as bytes: the text files, and the binary files decoded.
func snapshotFiles(req request) (map[string][]byte, error) {
	out := make(map[string][]byte, len(req.Files)+len(req.BinaryFiles))
	for name, text := range req.Files {
		out[name] = []byte(text)
	}
	for name, encoded := range req.BinaryFiles {
		if _, ok := out[name]; ok {
			return nil, fmt.Errorf("the snapshot holds %s both as text and as binary", name)
		}
		data, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			return nil, fmt.Errorf("the binary file %s was not handed over as base64", name)
		}
		out[name] = data
	}
	for name := range out {
		if path.Clean("/"+name) != "/"+name {
			return nil, fmt.Errorf("the snapshot holds a path that is not a clean repository path: %q", name)
		}
	}
	return out, nil
}

// snapshotFs puts the handed files below "/" of an in-memory file system.
func snapshotFs(files map[string][]byte) (filesys.FileSystem, error) {
	fs := filesys.MakeFsInMemory()
	for name, data := range files {
		if err := fs.WriteFile("/"+name, data); err != nil {
			return nil, err
		}
	}
	return fs, nil
}

const originAnnotation = "config.kubernetes.io/origin"

func renderKustomize(req request) (string, []string, error) {
	root := path.Clean("/" + req.Root)
	injected := askForOrigins(req.Files, strings.TrimPrefix(root, "/"))
	files, err := snapshotFiles(req)
	if err != nil {
		return "", nil, err
	}
	fs, err := snapshotFs(files)
	if err != nil {
		return "", nil, err
	}
	opts := krusty.MakeDefaultOptions()
	// Builtin transformers and generators only: no exec or Go plugins, no `helmCharts:` (it runs helm).
	opts.PluginConfig = types.DisabledPluginConfig()
	resources, err := krusty.MakeKustomizer(opts).Run(fs, root)
	if err != nil {
		return "", nil, errors.New(strings.ReplaceAll(err.Error(), "'/", "'"))
	}
	origins := make([]string, 0, resources.Size())
	for _, r := range resources.Resources() {
		annotations := r.GetAnnotations()
		origin := struct {
			Path string `json:"path"`
			Repo string `json:"repo"`
		}{}
		if text, ok := annotations[originAnnotation]; ok && yaml.Unmarshal([]byte(text), &origin) == nil && origin.Path != "" && origin.Repo == "" {
			origins = append(origins, strings.TrimPrefix(path.Clean(path.Join(root, origin.Path)), "/"))
		} else {
			origins = append(origins, "")
		}
		if injected {
			delete(annotations, originAnnotation)
			if err := r.SetAnnotations(annotations); err != nil {
				return "", nil, err
			}
		}
	}
	out, err := resources.AsYaml()
	if err != nil {
		return "", nil, err
	}
	return string(out), origins, nil
}

// askForOrigins adds `originAnnotations` to the root kustomization's buildMetadata, so each rendered
// object says which file it came from; it reports whether it did (then the annotations are removed
// again, since the repository did not ask for them).
func askForOrigins(files map[string]string, root string) bool {
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		file := path.Join(root, name)
		text, ok := files[file]
		if !ok {
			continue
		}
		var k map[string]interface{}
		if yaml.Unmarshal([]byte(text), &k) != nil || k == nil {
			return false
		}
		metadata, _ := k["buildMetadata"].([]interface{})
		for _, m := range metadata {
			if m == "originAnnotations" {
				return false
			}
		}
		k["buildMetadata"] = append(metadata, "originAnnotations")
		out, err := yaml.Marshal(k)
		if err != nil {
			return false
		}
		files[file] = string(out)
		return true
	}
	return false
}

// helmIgnored tells the chart's files Helm leaves out when it loads a chart folder (`helm template DIR`,
// Argo CD, Flux): those its .helmignore names, and dotfiles in templates/. Helm's folder loader skips a
// folder a rule matches with everything in it, so a file is left out when it or any folder above it is.
func helmIgnored(helmignore []byte) (func(name string) bool, error) {
	rules := ignore.Empty()
	if helmignore != nil {
		parsed, err := ignore.Parse(bytes.NewReader(helmignore))
		if err != nil {
			return nil, err
		}
		rules = parsed
	}
	rules.AddDefaults()
	return func(name string) bool {
		parts := strings.Split(name, "/")
		for i := 1; i < len(parts); i++ {
			if rules.Ignore(strings.Join(parts[:i], "/"), entryInfo{name: parts[i-1], dir: true}) {
				return true
			}
		}
		return rules.Ignore(name, entryInfo{name: parts[len(parts)-1]})
	}, nil
}

// entryInfo is what Helm's ignore rules read of a file or folder: its name and whether it is a folder.
type entryInfo struct {
	name string
	dir  bool
}

func (e entryInfo) Name() string { return e.name }
func (e entryInfo) Size() int64  { return 0 }
func (e entryInfo) Mode() os.FileMode {
	if e.dir {
		return os.ModeDir
	}
	return 0
}
func (e entryInfo) ModTime() time.Time { return time.Time{} }
func (e entryInfo) IsDir() bool        { return e.dir }
func (e entryInfo) Sys() interface{}   { return nil }

func renderHelm(req request) (string, []string, []string, error) {
	root := strings.Trim(req.Chart, "/")
	prefix := root + "/"
	if root == "" || root == "." {
		prefix = ""
	}
	snapshot, err := snapshotFiles(req)
	if err != nil {
		return "", nil, nil, err
	}
	ignored, err := helmIgnored(snapshot[prefix+ignore.HelmIgnore])
	if err != nil {
		return "", nil, nil, fmt.Errorf("cannot read %s%s: %w", prefix, ignore.HelmIgnore, err)
	}
	var files []*loader.BufferedFile
	var left []string
	for name, data := range snapshot {
		if prefix != "" && !strings.HasPrefix(name, prefix) {
			continue
		}
		if ignored(strings.TrimPrefix(name, prefix)) {
			left = append(left, name)
			continue
		}
		files = append(files, &loader.BufferedFile{Name: strings.TrimPrefix(name, prefix), Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	chrt, err := loader.LoadFiles(files)
	if err != nil {
		return "", nil, nil, fmt.Errorf("cannot load the chart %s: %w", root, err)
	}
	if err := vendoredDependencies(chrt); err != nil {
		return "", nil, nil, err
	}
	values := map[string]interface{}{}
	for _, source := range req.Values {
		text := source.Text
		if source.Path != "" {
			found, ok := req.Files[source.Path]
			if !ok {
				return "", nil, nil, fmt.Errorf("the values file %s does not exist", source.Path)
			}
			text = found
		}
		layer := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(text), &layer); err != nil {
			name := source.Path
			if name == "" {
				name = "inline values"
			}
			return "", nil, nil, fmt.Errorf("cannot read %s: %w", name, err)
		}
		values = mergeMaps(values, layer)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	if req.KubeVersion != "" {
		kube, err := chartutil.ParseKubeVersion("v" + req.KubeVersion + ".0")
		if err == nil {
			caps.KubeVersion = *kube
		}
	}
	release := req.Release
	if release == "" {
		release = chrt.Name()
	}
	namespace := req.Namespace
	if namespace == "" {
		namespace = "default"
	}
	// Named before dependencies are processed too, so that a subchart its condition turns off is listed.
	before := map[*chart.File]string{}
	templateNames(chrt, chrt.Name(), func(t *chart.File, name string) { before[t] = name })
	// As `helm template` does before rendering: subcharts their condition or tags disable are left out,
	// an alias renames a subchart (its values come from the parent under that name), import-values apply.
	if err := chartutil.ProcessDependenciesWithMerge(chrt, values); err != nil {
		return "", nil, nil, err
	}
	renderValues, err := chartutil.ToRenderValues(chrt, values, chartutil.ReleaseOptions{Name: release, Namespace: namespace, Revision: 1, IsInstall: true}, caps)
	if err != nil {
		return "", nil, nil, err
	}
	rendered, err := engine.Render(chrt, renderValues)
	if err != nil {
		return "", nil, nil, err
	}
	// An alias renames a copy of its subchart that shares its templates: listed under every name it has.
	var templates []string
	listed := map[*chart.File]bool{}
	templateNames(chrt, chrt.Name(), func(t *chart.File, name string) {
		templates = append(templates, name)
		listed[t] = true
	})
	for t, name := range before {
		if !listed[t] {
			templates = append(templates, name)
		}
	}
	sort.Strings(templates)
	sort.Strings(left)
	return joinManifests(rendered, req.SourceMarker), templates, left, nil
}

// templateNames visits the templates of a chart and of its subcharts that Helm renders on its own (not
// a partial, not NOTES.txt), named as in the `# Source:` headers: a subchart by its name in Chart.yaml,
// or by its alias once dependencies are processed.
func templateNames(c *chart.Chart, at string, visit func(t *chart.File, name string)) {
	// A library chart's templates are only ever included by others: Helm renders none on its own.
	if c.Metadata != nil && c.Metadata.Type == "library" {
		return
	}
	for _, t := range c.Templates {
		base := path.Base(t.Name)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		visit(t, at+"/"+t.Name)
	}
	for _, dep := range c.Dependencies() {
		templateNames(dep, at+"/charts/"+dep.Name(), visit)
	}
}

// vendoredDependencies refuses a chart whose Chart.yaml lists dependencies that are not in its charts/
// folder: Helm would download them from a chart repository, which this helper never does.
func vendoredDependencies(chrt *chart.Chart) error {
	if chrt.Metadata == nil {
		return errors.New("Chart.yaml is missing")
	}
	present := map[string]bool{}
	for _, dep := range chrt.Dependencies() {
		present[dep.Name()] = true
	}
	for _, dep := range chrt.Metadata.Dependencies {
		if !present[dep.Name] {
			return fmt.Errorf("the chart dependency %q (repository %q) is not vendored in charts/: Gitgate renders with no network and does not download chart dependencies; commit the dependency under charts/ (helm dependency build)", dep.Name, dep.Repository)
		}
	}
	return nil
}

// joinManifests writes the rendered templates as one YAML stream, as `helm template` does: in a stable
// order, without partials, NOTES.txt or empty output, each headed by the template it came from (and
// the caller's marker, when it gave one).
func joinManifests(rendered map[string]string, marker string) string {
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" || strings.TrimSpace(rendered[name]) == "" {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		b.WriteString("---\n# Source: " + name + "\n")
		if marker != "" {
			b.WriteString("# " + marker + "\n")
		}
		b.WriteString(strings.TrimLeft(rendered[name], "\n"))
		if !strings.HasSuffix(rendered[name], "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// mergeMaps merges b into a as Helm merges values files: maps deeply, anything else replaced.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]interface{}); ok {
			if am, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(am, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}
