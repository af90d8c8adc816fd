package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccProviderCACertificate: the provider verifies Berth's API (HTTPS by default) against the
// CA in its block — the API CA connects, any other CA is refused rather than trusted.
func TestAccProviderCACertificate(t *testing.T) {
	requireAcc(t)
	t.Setenv("BERTH_CA_FILE", "") // only the block's CA this time
	withCA := func(caPEM string) string {
		return accConfig(`provider "berth" {
  ca_certificate = <<-EOT
` + indent(caPEM) + `
  EOT
}

data "berth_zones" "all" {}

output "zones" { value = length(data.berth_zones.all.available) }
`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: accProviders,
		Steps: []resource.TestStep{
			{
				Config: withCA(accServer.CAPEM),
				Check:  resource.TestMatchOutput("zones", regexp.MustCompile(`^[1-9]`)),
			},
			{
				Config:      withCA(otherCA(t)),
				ExpectError: regexp.MustCompile(`(?s)certificate signed by unknown authority`),
			},
		},
	})
}

func indent(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}

// otherCA is a self-signed CA certificate that signed nothing Berth serves.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "not-berth"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
