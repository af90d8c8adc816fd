package client

import (
	"encoding/base64"
	"errors"
	"fmt"

	"sigs.k8s.io/yaml"
)

// KubeCredentials are the parts of a kubeconfig the kubernetes and helm providers take as
// separate arguments (host, cluster_ca_certificate, client_certificate, client_key), PEM-decoded
// from the kubeconfig's base64 *-data fields.
type KubeCredentials struct {
	Host                 string
	ClusterCACertificate string
	ClientCertificate    string
	ClientKey            string
}

type kubeconfigFile struct {
	CurrentContext string `json:"current-context"`
	Clusters       []struct {
		Name    string `json:"name"`
		Cluster struct {
			Server string `json:"server"`
			CAData string `json:"certificate-authority-data"`
		} `json:"cluster"`
	} `json:"clusters"`
	Users []struct {
		Name string `json:"name"`
		User struct {
			CertData string `json:"client-certificate-data"`
			KeyData  string `json:"client-key-data"`
		} `json:"user"`
	} `json:"users"`
	Contexts []struct {
		Name    string `json:"name"`
		Context struct {
			Cluster string `json:"cluster"`
			User    string `json:"user"`
		} `json:"context"`
	} `json:"contexts"`
}

// ParseKubeconfig reads the current context's server, CA and client certificate.
func ParseKubeconfig(text string) (KubeCredentials, error) {
	var kc kubeconfigFile
	if err := yaml.Unmarshal([]byte(text), &kc); err != nil {
		return KubeCredentials{}, fmt.Errorf("kubeconfig is not YAML: %w", err)
	}
	clusterName, userName := "", ""
	for _, c := range kc.Contexts {
		if c.Name == kc.CurrentContext {
			clusterName, userName = c.Context.Cluster, c.Context.User
		}
	}
	if clusterName == "" {
		return KubeCredentials{}, errors.New("kubeconfig has no current context")
	}
	var out KubeCredentials
	var err error
	for _, c := range kc.Clusters {
		if c.Name == clusterName {
			out.Host = c.Cluster.Server
			if out.ClusterCACertificate, err = decodeB64("certificate-authority-data", c.Cluster.CAData); err != nil {
				return KubeCredentials{}, err
			}
		}
	}
	for _, u := range kc.Users {
		if u.Name == userName {
			if out.ClientCertificate, err = decodeB64("client-certificate-data", u.User.CertData); err != nil {
				return KubeCredentials{}, err
			}
			if out.ClientKey, err = decodeB64("client-key-data", u.User.KeyData); err != nil {
				return KubeCredentials{}, err
			}
		}
	}
	if out.Host == "" {
		return KubeCredentials{}, fmt.Errorf("kubeconfig names no server for cluster %q", clusterName)
	}
	return out, nil
}

func decodeB64(field, value string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return "", fmt.Errorf("kubeconfig %s is not base64: %w", field, err)
	}
	return string(raw), nil
}
