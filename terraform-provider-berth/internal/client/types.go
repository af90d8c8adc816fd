package client

// The API's objects, as docs/api.md and api/openapi.json describe them. Only the fields the
// provider reads are declared; the API may add more.

// ObjectMeta is the metadata of clusters and node groups.
type ObjectMeta struct {
	Name                string            `json:"name"`
	Project             string            `json:"project"`
	Cluster             string            `json:"cluster,omitempty"`
	UID                 string            `json:"uid"`
	Generation          int64             `json:"generation"`
	ResourceVersion     string            `json:"resourceVersion"`
	Labels              map[string]string `json:"labels"`
	CreatedAt           string            `json:"createdAt"`
	DeletionRequestedAt string            `json:"deletionRequestedAt,omitempty"`
}

// Condition is how controllers report state.
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// ControlPlane is the masters: count 1, 3 or 5, and their flavor.
type ControlPlane struct {
	Count  int64  `json:"count"`
	Flavor string `json:"flavor"`
}

// Network holds the cluster's three IPv4 ranges.
type Network struct {
	SubnetCIDR   string `json:"subnetCidr"`
	PodsCIDR     string `json:"podsCidr"`
	ServicesCIDR string `json:"servicesCidr"`
}

// APIAccess says who reaches the Kubernetes API.
type APIAccess struct {
	Public       bool     `json:"public"`
	AllowedCIDRs []string `json:"allowedCidrs"`
}

// Addon is an addon named in a cluster's spec.
type Addon struct {
	Name    string            `json:"name"`
	Version string            `json:"version,omitempty"`
	Config  map[string]string `json:"config,omitempty"`
}

// ClusterSpec is a stored (fully defaulted) cluster spec.
type ClusterSpec struct {
	Version      string       `json:"version"`
	ControlPlane ControlPlane `json:"controlPlane"`
	Zones        []string     `json:"zones"`
	Network      Network      `json:"network"`
	APIAccess    APIAccess    `json:"apiAccess"`
	Addons       []Addon      `json:"addons"`
	Stopped      bool         `json:"stopped"`
}

// ClusterStatus is what the controllers report about a cluster.
type ClusterStatus struct {
	Phase              string      `json:"phase"`
	APIEndpoint        string      `json:"apiEndpoint,omitempty"`
	Version            string      `json:"version,omitempty"`
	Conditions         []Condition `json:"conditions"`
	ObservedGeneration int64       `json:"observedGeneration"`
	Message            string      `json:"message,omitempty"`
}

// Cluster is one Kubernetes cluster.
type Cluster struct {
	Metadata ObjectMeta    `json:"metadata"`
	Spec     ClusterSpec   `json:"spec"`
	Status   ClusterStatus `json:"status"`
}

// Taint is a Kubernetes taint put on every node of a group.
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Effect string `json:"effect"`
}

// Autoscaling bounds a node group's count when the cluster autoscaler drives it.
type Autoscaling struct {
	Enabled bool  `json:"enabled"`
	Min     int64 `json:"min"`
	Max     int64 `json:"max"`
}

// Volume is the root volume of each node of a group.
type Volume struct {
	Type   string `json:"type"`
	SizeGB int64  `json:"sizeGb"`
}

// NodeGroupSpec is a stored (fully defaulted) node group spec.
type NodeGroupSpec struct {
	Flavor         string            `json:"flavor"`
	Zone           string            `json:"zone"`
	Count          int64             `json:"count"`
	Autoscaling    Autoscaling       `json:"autoscaling"`
	Labels         map[string]string `json:"labels"`
	Taints         []Taint           `json:"taints"`
	MaxUnavailable string            `json:"maxUnavailable"`
	Volume         Volume            `json:"volume"`
	Runtime        string            `json:"runtime"`
	// Version is the group's own Kubernetes version; empty: it follows its cluster's.
	Version string `json:"version,omitempty"`
}

// NodeGroupStatus is what the controllers report about a node group.
type NodeGroupStatus struct {
	Phase         string `json:"phase"`
	Replicas      int64  `json:"replicas"`
	ReadyReplicas int64  `json:"readyReplicas"`
	Message       string `json:"message,omitempty"`
	Version       string `json:"version,omitempty"`
}

// NodeGroup is a pool of worker servers of one flavor in one zone.
type NodeGroup struct {
	Metadata ObjectMeta      `json:"metadata"`
	Spec     NodeGroupSpec   `json:"spec"`
	Status   NodeGroupStatus `json:"status"`
}

// Operation is the progress of one long action.
type Operation struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Phase    string   `json:"phase"`
	Progress int64    `json:"progress"`
	Message  string   `json:"message"`
	Error    *Problem `json:"error,omitempty"`
	Target   struct {
		Kind    string `json:"kind"`
		Project string `json:"project"`
		Cluster string `json:"cluster"`
		Name    string `json:"name"`
	} `json:"target"`
}

// Finished reports whether the operation has ended, well or not.
func (o *Operation) Finished() bool { return o.Phase == "Succeeded" || o.Phase == "Failed" }

// Event is one entry of a cluster's history.
type Event struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Reason    string `json:"reason"`
	Message   string `json:"message"`
	Time      string `json:"time"`
	Operation string `json:"operation,omitempty"`
	Object    *struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"object,omitempty"`
}

// Project is a tenancy boundary.
type Project struct {
	Metadata struct {
		Name      string            `json:"name"`
		UID       string            `json:"uid"`
		Labels    map[string]string `json:"labels"`
		CreatedAt string            `json:"createdAt"`
	} `json:"metadata"`
	Spec struct {
		Description string `json:"description"`
	} `json:"spec"`
}

// Token is an API token; Secret is set only in the create answer.
type Token struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Project   *string `json:"project"`
	Role      string  `json:"role"`
	Prefix    string  `json:"prefix"`
	CreatedAt string  `json:"createdAt"`
	ExpiresAt string  `json:"expiresAt,omitempty"`
	Secret    string  `json:"secret,omitempty"`
}

// Catalog items.
type (
	Version struct {
		Version      string   `json:"version"`
		Patch        string   `json:"patch"`
		Default      bool     `json:"default"`
		EndOfSupport string   `json:"endOfSupport"`
		UpgradesTo   []string `json:"upgradesTo"`
	}
	Flavor struct {
		Name   string `json:"name"`
		VCPUs  int64  `json:"vcpus"`
		RAMMiB int64  `json:"ramMiB"`
		DiskGB int64  `json:"diskGb"`
	}
	Zone struct {
		Name      string `json:"name"`
		Available bool   `json:"available"`
	}
	VolumeType struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	AddonItem struct {
		Name           string   `json:"name"`
		Description    string   `json:"description"`
		Versions       []string `json:"versions"`
		DefaultVersion string   `json:"defaultVersion"`
	}
)

type listMeta struct {
	Continue string `json:"continue,omitempty"`
}
