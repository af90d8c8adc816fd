package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The file `berth login` writes (packages/cli/src/lib/config-file.ts renders it this way).
const loginFile = "# Written by `berth login`. Holds an API token: keep it private (mode 0600).\n" +
	"endpoint: http://127.0.0.1:7070\ntoken: berth_fromfile\nproject: team-a\n"

func TestResolvePrecedence(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".config", "berth", "config.yaml"), loginFile)
	cases := []struct {
		name     string
		explicit Explicit
		env      map[string]string
		want     [3]string
		sources  [3]string
	}{
		{"file only", Explicit{}, nil,
			[3]string{"http://127.0.0.1:7070", "berth_fromfile", "team-a"},
			[3]string{"file", "file", "file"}},
		{"env beats file", Explicit{}, map[string]string{"BERTH_TOKEN": "berth_env", "BERTH_PROJECT": "ops"},
			[3]string{"http://127.0.0.1:7070", "berth_env", "ops"},
			[3]string{"file", "BERTH_TOKEN", "BERTH_PROJECT"}},
		{"block beats env", Explicit{Endpoint: "https://berth.example:443", Project: "p"}, map[string]string{"BERTH_ENDPOINT": "http://x", "BERTH_PROJECT": "ops"},
			[3]string{"https://berth.example:443", "berth_fromfile", "p"},
			[3]string{"provider block", "file", "provider block"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Resolve(tc.explicit, envOf(tc.env), home)
			if err != nil {
				t.Fatal(err)
			}
			got := [3]string{s.Endpoint, s.Token, s.Project}
			if got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i, key := range []string{"endpoint", "token", "project"} {
				src := s.Sources[key]
				if tc.sources[i] == "file" {
					if !strings.HasSuffix(src, "config.yaml") {
						t.Errorf("%s from %q, want the config file", key, src)
					}
				} else if src != tc.sources[i] {
					t.Errorf("%s from %q, want %q", key, src, tc.sources[i])
				}
			}
		})
	}
}

func TestResolveConfigFileLocations(t *testing.T) {
	home := t.TempDir()
	xdg := t.TempDir()
	named := filepath.Join(t.TempDir(), "cli.yaml")
	writeFile(t, filepath.Join(xdg, "berth", "config.yaml"), "endpoint: http://xdg:1\n")
	writeFile(t, named, "endpoint: http://named:1\n")

	s, err := Resolve(Explicit{}, envOf(map[string]string{"XDG_CONFIG_HOME": xdg}), home)
	if err != nil || s.Endpoint != "http://xdg:1" {
		t.Fatalf("XDG_CONFIG_HOME: %+v %v", s, err)
	}
	s, err = Resolve(Explicit{}, envOf(map[string]string{"XDG_CONFIG_HOME": xdg, "BERTH_CONFIG": named}), home)
	if err != nil || s.Endpoint != "http://named:1" {
		t.Fatalf("BERTH_CONFIG: %+v %v", s, err)
	}
	s, err = Resolve(Explicit{}, envOf(nil), home)
	if err != nil || s.Endpoint != "" || s.Project != DefaultProject || s.ConfigFile != "" {
		t.Fatalf("no file anywhere must give only the default project: %+v %v", s, err)
	}
	if s.Sources["project"] != "default" {
		t.Fatalf("project source %q", s.Sources["project"])
	}
}

func TestResolveNamedFileMustExistAndParse(t *testing.T) {
	dir := t.TempDir()
	if _, err := Resolve(Explicit{ConfigFile: filepath.Join(dir, "missing.yaml")}, envOf(nil), dir); err == nil {
		t.Fatal("a config_file that does not exist must be an error")
	}
	bad := filepath.Join(dir, "bad.yaml")
	writeFile(t, bad, "- just\n- a list\n")
	_, err := Resolve(Explicit{}, envOf(map[string]string{"BERTH_CONFIG": bad}), dir)
	if err == nil || !strings.Contains(err.Error(), "not a mapping of endpoint, token and project") {
		t.Fatalf("want a parse error naming the format, got %v", err)
	}
}

func TestResolveCACertificate(t *testing.T) {
	home := t.TempDir()
	const pem = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n"
	writeFile(t, filepath.Join(home, ".config", "berth", "config.yaml"),
		loginFile+"caCertificate: |\n  -----BEGIN CERTIFICATE-----\n  QUJD\n  -----END CERTIFICATE-----\n")
	s, err := Resolve(Explicit{}, envOf(nil), home)
	if err != nil {
		t.Fatal(err)
	}
	if s.CACertificate != pem || !strings.HasSuffix(s.Sources["ca_certificate"], "config.yaml") {
		t.Fatalf("from the file: %q from %q", s.CACertificate, s.Sources["ca_certificate"])
	}
	caFile := filepath.Join(home, "ca.crt")
	writeFile(t, caFile, "ENV CA")
	s, _ = Resolve(Explicit{}, envOf(map[string]string{"BERTH_CA_FILE": caFile}), home)
	if s.CACertificate != "ENV CA" || s.Sources["ca_certificate"] != "BERTH_CA_FILE" {
		t.Fatalf("from BERTH_CA_FILE: %q from %q", s.CACertificate, s.Sources["ca_certificate"])
	}
	s, _ = Resolve(Explicit{CACertificate: "BLOCK"}, envOf(map[string]string{"BERTH_CA_FILE": caFile}), home)
	if s.CACertificate != "BLOCK" || s.Sources["ca_certificate"] != "provider block" {
		t.Fatalf("from the block: %q from %q", s.CACertificate, s.Sources["ca_certificate"])
	}
	if _, err := Resolve(Explicit{}, envOf(map[string]string{"BERTH_CA_FILE": filepath.Join(home, "none")}), home); err == nil {
		t.Fatal("a missing BERTH_CA_FILE is an error")
	}
}
