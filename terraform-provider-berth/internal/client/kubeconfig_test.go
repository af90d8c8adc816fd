package client

import (
	"encoding/base64"
	"strings"
	"testing"
)

// renderLikeBerth writes a kubeconfig the way packages/kube-bootstrap/src/kubeconfig.ts does.
func renderLikeBerth(server, ca, cert, key string) string {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return strings.Join([]string{
		"apiVersion: v1", "kind: Config", "clusters:",
		`- name: "demo"`, "  cluster:", `    server: "` + server + `"`, "    certificate-authority-data: " + b64(ca),
		"users:", `- name: "kubernetes-admin"`, "  user:",
		"    client-certificate-data: " + b64(cert), "    client-key-data: " + b64(key),
		"contexts:", `- name: "kubernetes-admin@demo"`, "  context:", `    cluster: "demo"`, `    user: "kubernetes-admin"`,
		`current-context: "kubernetes-admin@demo"`, "",
	}, "\n")
}

func TestParseKubeconfig(t *testing.T) {
	ca := "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"
	cert := "-----BEGIN CERTIFICATE-----\nADMIN\n-----END CERTIFICATE-----\n"
	key := "-----BEGIN EC PRIVATE KEY-----\nKEY\n-----END EC PRIVATE KEY-----\n"
	got, err := ParseKubeconfig(renderLikeBerth("https://198.18.4.10:6443", ca, cert, key))
	if err != nil {
		t.Fatal(err)
	}
	want := KubeCredentials{Host: "https://198.18.4.10:6443", ClusterCACertificate: ca, ClientCertificate: cert, ClientKey: key}
	if got != want {
		t.Fatalf("got %+v", got)
	}
}

func TestParseKubeconfigRefusesBrokenFiles(t *testing.T) {
	for name, text := range map[string]string{
		"not yaml":      "{{{",
		"no context":    "apiVersion: v1\nkind: Config\n",
		"bad base64":    strings.Replace(renderLikeBerth("https://a:6443", "x", "y", "z"), "client-key-data: ", "client-key-data: %%%", 1),
		"server absent": strings.Replace(renderLikeBerth("https://a:6443", "x", "y", "z"), `server: "https://a:6443"`, "", 1),
	} {
		if _, err := ParseKubeconfig(text); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}
