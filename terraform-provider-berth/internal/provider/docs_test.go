package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"berth.dev/terraform-provider-berth/internal/acctest"
)

// TestDocs: docs/ is what the schemas and examples/ say, in the registry's layout (as
// tfplugindocs lays it out): a page per resource and data source with its example, every
// attribute, and how to import. `UPDATE_DOCS=1 go test -run TestDocs ./internal/provider`
// rewrites the pages; without it, a page that differs fails the test.
func TestDocs(t *testing.T) {
	root, err := acctest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	module := filepath.Join(root, "terraform-provider-berth")
	h := newProtoHarness(t)
	resp, err := h.server.GetProviderSchema(bg, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{"docs/index.md": providerPage(t, module, resp.Provider)}
	for name, s := range resp.ResourceSchemas {
		short := strings.TrimPrefix(name, "berth_")
		pages["docs/resources/"+short+".md"] = page(t, module, name, "Resource", "resources", s)
	}
	for name, s := range resp.DataSourceSchemas {
		short := strings.TrimPrefix(name, "berth_")
		pages["docs/data-sources/"+short+".md"] = page(t, module, name, "Data Source", "data-sources", s)
	}
	for file, want := range pages {
		p := filepath.Join(module, file)
		if os.Getenv("UPDATE_DOCS") != "" {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != want {
			t.Errorf("%s is not what the schema and examples say; run UPDATE_DOCS=1 go test -run TestDocs ./internal/provider", file)
		}
	}
}

func readExample(t *testing.T, module string, parts ...string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(append([]string{module, "examples"}, parts...)...))
	if err != nil {
		t.Fatalf("every resource and data source needs an example: %v", err)
	}
	return strings.TrimRight(string(raw), "\n")
}

func providerPage(t *testing.T, module string, s *tfprotov6.Schema) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\npage_title: \"berth Provider\"\ndescription: |-\n  %s\n---\n\n# berth Provider\n\n%s\n\n", firstSentence(s.Block.Description), s.Block.Description)
	b.WriteString("It talks to Berth's public REST API (`/v1`) only. Its source address is `berth/berth`; " +
		"until it is published, install it from a filesystem mirror (see the repository's `docs/terraform.md`).\n\n")
	fmt.Fprintf(&b, "## Example Usage\n\n```terraform\n%s\n```\n\n", readExample(t, module, "provider", "provider.tf"))
	b.WriteString("## Schema\n\n")
	writeAttributes(&b, "", s.Block.Attributes)
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func page(t *testing.T, module, name, kind, dir string, s *tfprotov6.Schema) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\npage_title: \"%s %s - berth\"\nsubcategory: \"\"\ndescription: |-\n  %s\n---\n\n# %s (%s)\n\n%s\n\n",
		name, kind, firstSentence(s.Block.Description), name, kind, s.Block.Description)
	file := "resource.tf"
	if dir == "data-sources" {
		file = "data-source.tf"
	}
	fmt.Fprintf(&b, "## Example Usage\n\n```terraform\n%s\n```\n\n## Schema\n\n", readExample(t, module, dir, name, file))
	writeAttributes(&b, "", s.Block.Attributes, s.Block.BlockTypes...)
	if dir == "resources" {
		fmt.Fprintf(&b, "## Import\n\nImport is supported using the following syntax:\n\n```shell\n%s\n```\n", readExample(t, module, dir, name, "import.sh"))
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// writeAttributes lists attributes (and blocks) under Required / Optional / Read-Only, then the
// nested schemas they point to. Top-level groups are headings; nested ones, bold labels.
func writeAttributes(b *strings.Builder, prefix string, attrs []*tfprotov6.SchemaAttribute, blocks ...*tfprotov6.SchemaNestedBlock) {
	groups := map[string][]string{}
	var nested []*tfprotov6.SchemaAttribute
	for _, a := range attrs {
		group := "Read-Only"
		if a.Required {
			group = "Required"
		} else if a.Optional {
			group = "Optional"
		}
		desc := strings.TrimSpace(a.Description)
		if a.Sensitive {
			desc += " Sensitive."
		}
		line := fmt.Sprintf("- `%s` (%s) %s", a.Name, typeName(a), desc)
		if a.NestedType != nil {
			nested = append(nested, a)
			line += fmt.Sprintf(" (see [below for nested schema](#nestedatt--%s))", anchor(prefix, a.Name))
		}
		groups[group] = append(groups[group], line)
	}
	for _, blk := range blocks {
		groups["Optional"] = append(groups["Optional"], fmt.Sprintf("- `%s` (Block) (see [below for nested schema](#nestedblock--%s))", blk.TypeName, blk.TypeName))
	}
	for _, group := range []string{"Required", "Optional", "Read-Only"} {
		lines := groups[group]
		if len(lines) == 0 {
			continue
		}
		sort.Strings(lines)
		if prefix == "" {
			fmt.Fprintf(b, "### %s\n\n", group)
		} else {
			fmt.Fprintf(b, "%s:\n\n", group)
		}
		b.WriteString(strings.Join(lines, "\n") + "\n\n")
	}
	for _, a := range nested {
		id := anchor(prefix, a.Name)
		fmt.Fprintf(b, "<a id=\"nestedatt--%s\"></a>\n\n### Nested Schema for `%s`\n\n", id, strings.ReplaceAll(id, "--", "."))
		writeAttributes(b, id, a.NestedType.Attributes)
	}
	for _, blk := range blocks {
		fmt.Fprintf(b, "<a id=\"nestedblock--%s\"></a>\n\n### Nested Schema for `%s`\n\n", blk.TypeName, blk.TypeName)
		writeAttributes(b, blk.TypeName, blk.Block.Attributes)
	}
}

func anchor(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "--" + name
}

func typeName(a *tfprotov6.SchemaAttribute) string {
	if a.NestedType != nil {
		switch a.NestedType.Nesting {
		case tfprotov6.SchemaObjectNestingModeList:
			return "Attributes List"
		default:
			return "Attributes"
		}
	}
	switch t := a.Type.(type) {
	case tftypes.List:
		return "List of " + primitive(t.ElementType)
	case tftypes.Map:
		return "Map of " + primitive(t.ElementType)
	default:
		return primitive(a.Type)
	}
}

func primitive(t tftypes.Type) string {
	switch {
	case t.Is(tftypes.String):
		return "String"
	case t.Is(tftypes.Number):
		return "Number"
	case t.Is(tftypes.Bool):
		return "Boolean"
	default:
		return t.String()
	}
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}
