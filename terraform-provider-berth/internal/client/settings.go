package client

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// DefaultProject is the project every Berth installation has from its first start.
const DefaultProject = "default"

// Settings are where the provider connects to, and where each value came from.
type Settings struct {
	Endpoint, Token, Project string
	// CACertificate is the PEM of the CA an https endpoint must chain to ("" = the system's CAs).
	CACertificate string
	// ConfigFile is the CLI config file that was consulted ("" when none was found).
	ConfigFile string
	Sources    map[string]string
}

// Explicit are the values set in the provider block ("" = not set).
type Explicit struct {
	Endpoint, Token, Project, ConfigFile, CACertificate string
}

// Resolve applies the same precedence as the `berth` CLI (docs/cli.md): the provider block,
// then BERTH_ENDPOINT / BERTH_TOKEN / BERTH_PROJECT, then the CLI config file written by
// `berth login`, then the default project. The config file is config_file, else $BERTH_CONFIG,
// else $XDG_CONFIG_HOME/berth/config.yaml, else ~/.config/berth/config.yaml; a missing file is
// no error unless it was named explicitly.
func Resolve(explicit Explicit, getenv func(string) string, home string) (Settings, error) {
	file, named := configPath(explicit.ConfigFile, getenv, home)
	fromFile, err := readConfigFile(file)
	if err != nil && (named || !errors.Is(err, fs.ErrNotExist)) {
		return Settings{}, err
	}
	s := Settings{Sources: map[string]string{}}
	if err == nil {
		s.ConfigFile = file
	}
	pick := func(key, attr, env, fileValue, fallback string) string {
		for _, c := range []struct{ value, source string }{
			{attr, "provider block"}, {getenv(env), env}, {fileValue, file}, {fallback, "default"},
		} {
			if c.value != "" {
				s.Sources[key] = c.source
				return c.value
			}
		}
		return ""
	}
	s.Endpoint = pick("endpoint", explicit.Endpoint, "BERTH_ENDPOINT", fromFile.Endpoint, "")
	s.Token = pick("token", explicit.Token, "BERTH_TOKEN", fromFile.Token, "")
	s.Project = pick("project", explicit.Project, "BERTH_PROJECT", fromFile.Project, DefaultProject)
	// The CA: the provider block's ca_certificate, else the file BERTH_CA_FILE names, else the one
	// `berth login --ca-file` recorded in the config file.
	fromEnv := ""
	if name := getenv("BERTH_CA_FILE"); name != "" && explicit.CACertificate == "" {
		raw, err := os.ReadFile(name)
		if err != nil {
			return Settings{}, fmt.Errorf("reading BERTH_CA_FILE: %w", err)
		}
		fromEnv = string(raw)
	}
	s.CACertificate = explicit.CACertificate
	switch {
	case s.CACertificate != "":
		s.Sources["ca_certificate"] = "provider block"
	case fromEnv != "":
		s.CACertificate, s.Sources["ca_certificate"] = fromEnv, "BERTH_CA_FILE"
	case fromFile.CACertificate != "":
		s.CACertificate, s.Sources["ca_certificate"] = fromFile.CACertificate, file
	}
	return s, nil
}

// configPath is the CLI config file to read and whether the user named it.
func configPath(explicit string, getenv func(string) string, home string) (string, bool) {
	switch {
	case explicit != "":
		return explicit, true
	case getenv("BERTH_CONFIG") != "":
		return getenv("BERTH_CONFIG"), true
	case getenv("XDG_CONFIG_HOME") != "":
		return filepath.Join(getenv("XDG_CONFIG_HOME"), "berth", "config.yaml"), false
	default:
		return filepath.Join(home, ".config", "berth", "config.yaml"), false
	}
}

type cliConfig struct {
	Endpoint      string `json:"endpoint"`
	Token         string `json:"token"`
	Project       string `json:"project"`
	CACertificate string `json:"caCertificate"`
}

func readConfigFile(file string) (cliConfig, error) {
	var cfg cliConfig
	raw, err := os.ReadFile(file)
	if err != nil {
		return cfg, fmt.Errorf("reading the Berth CLI config %s: %w", file, err)
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return cfg, fmt.Errorf("the Berth CLI config %s is not a mapping of endpoint, token and project: %w", file, err)
	}
	return cfg, nil
}
