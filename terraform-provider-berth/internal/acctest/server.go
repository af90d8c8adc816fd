// Package acctest is what the acceptance tests run against: a real `berth server` started from
// the repository's built CLI (packages/cli/dist/main.js) on loopback, and the Terraform CLI
// (OpenTofu or Terraform) the tests drive, named by TF_ACC_TERRAFORM_PATH.
package acctest

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// Required reports whether a missing prerequisite must fail the run instead of skipping it:
// in CI (CI=true) and when BERTH_E2E=required.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("BERTH_E2E") == "required"
}

// RepoRoot is the Berth repository this module sits in (the parent of terraform-provider-berth).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "terraform-provider-berth", "go.mod")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no Berth repository above %s", dir)
}

// Server is one `berth server` child process with its own data dir and admin token. It serves
// HTTPS with Berth's API CA, as `berth server` does by default; CAFile is that CA, which the
// provider under test and every client here verify the server against.
type Server struct {
	Endpoint string
	Token    string
	// CAFile is the PEM of the server's API CA (<data dir>/api-ca.crt); CAPEM its contents.
	CAFile  string
	CAPEM   string
	dataDir string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// StartServer starts `berth server --provider <provider>` on a free loopback port and waits
// until /readyz answers. The CLI is BERTH_CLI_JS or <repo>/packages/cli/dist/main.js, run by
// nodeBinary's Node; extraEnv is added to the server's environment.
func StartServer(provider string, extraEnv ...string) (*Server, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	mainJS := os.Getenv("BERTH_CLI_JS")
	if mainJS == "" {
		mainJS = filepath.Join(root, "packages", "cli", "dist", "main.js")
	}
	if _, err := os.Stat(mainJS); err != nil {
		return nil, fmt.Errorf("the berth CLI is not built (%s): run `npx tsc --build` in %s", mainJS, root)
	}
	node, err := nodeBinary(root)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dataDir, err := os.MkdirTemp("", "berth-tfacc-")
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	s := &Server{
		Endpoint: fmt.Sprintf("https://127.0.0.1:%d", port),
		CAFile:   filepath.Join(dataDir, "data", "api-ca.crt"),
		Token:    "berth_" + hex.EncodeToString(secret),
		dataDir:  dataDir,
		exited:   make(chan struct{}),
	}
	logFile, err := os.Create(filepath.Join(dataDir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	s.cmd = exec.Command(node, mainJS, "server", "--listen", fmt.Sprintf("127.0.0.1:%d", port),
		"--data-dir", filepath.Join(dataDir, "data"), "--provider", provider)
	s.cmd.Env = append(append(os.Environ(), "BERTH_ADMIN_TOKEN="+s.Token, "BERTH_LOG_LEVEL=warn"), extraEnv...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// If the test binary dies without Stop (a panic, a timeout, os.Exit in a helper), the
	// kernel sends the server SIGTERM. Tied to the starting thread, so start from a locked one.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	runtime.LockOSThread()
	err = s.cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		// The server writes its CA before it listens; until then there is nothing to verify with.
		if ready, err := s.ready(); err == nil && ready {
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("berth server exited before it was ready:\n%s", s.LogTail(30))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = s.Stop()
			return nil, fmt.Errorf("berth server not ready after 60 s:\n%s", s.LogTail(30))
		}
	}
}

// ready reports whether /readyz answers 200 over HTTPS verified against the server's API CA.
func (s *Server) ready() (bool, error) {
	pemBytes, err := os.ReadFile(s.CAFile)
	if err != nil {
		return false, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return false, fmt.Errorf("%s holds no certificate", s.CAFile)
	}
	c := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
	defer c.CloseIdleConnections()
	resp, err := c.Get(s.Endpoint + "/readyz")
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	s.CAPEM = string(pemBytes)
	return resp.StatusCode == http.StatusOK, nil
}

// Stop ends the server by its PID (SIGTERM, then SIGKILL after 15 s) and removes its data dir.
func (s *Server) Stop() error {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	return os.RemoveAll(s.dataDir)
}

// LogTail is the end of the server's log, for failure messages.
func (s *Server) LogTail(lines int) string {
	raw, err := os.ReadFile(filepath.Join(s.dataDir, "server.log"))
	if err != nil {
		return "(no server log: " + err.Error() + ")"
	}
	all := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// nodeBinary is the Node.js that runs the CLI: BERTH_NODE, else Berth's pinned LTS in the cache
// (.node-version, as scripts/lib/node.sh installs it: native addons are built for it), else the
// `node` on PATH.
func nodeBinary(root string) (string, error) {
	if node := os.Getenv("BERTH_NODE"); node != "" {
		return node, nil
	}
	if raw, err := os.ReadFile(filepath.Join(root, ".node-version")); err == nil {
		cache := os.Getenv("BERTH_CACHE_DIR")
		if cache == "" {
			base := os.Getenv("XDG_CACHE_HOME")
			if base == "" {
				home, _ := os.UserHomeDir()
				base = filepath.Join(home, ".cache")
			}
			cache = filepath.Join(base, "berth")
		}
		pinned := filepath.Join(cache, "node", "v"+strings.TrimSpace(string(raw)), "bin", "node")
		if _, err := os.Stat(pinned); err == nil {
			return pinned, nil
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return "", errors.New("no Node.js: set BERTH_NODE, or run scripts/bootstrap (it installs Berth's pinned Node)")
	}
	return node, nil
}
