// Package validate mirrors the rules of Berth's API (packages/api-types: limits.ts, cidr.ts,
// validate.ts, versions.ts, schema-helpers.ts) so bad input fails at plan time, naming the
// attribute, instead of at apply time as a 400. Pure functions: each returns "" when the value
// is fine, or a sentence saying what is wrong.
package validate

import (
	"fmt"
	"regexp"
)

// Limits from packages/api-types/src/limits.ts.
const (
	MaxNodesPerGroup    = 500
	MaxZonesPerCluster  = 8
	MaxAddonsPerCluster = 32
	MaxAllowedCIDRs     = 64
	MinVolumeGB         = 10
	MaxVolumeGB         = 4096
	MaxSubnetPrefix     = 28
	MaxPodsPrefix       = 20
	MaxServicesPrefix   = 24
	MaxLabels           = 64
	MaxTaints           = 32
	MaxClusterName      = 40
	MaxProjectName      = 40
	MaxNodeGroupName    = 16
	MaxCatalogName      = 63
)

// ControlPlaneCounts are the master counts stacked etcd allows (odd quorums).
var ControlPlaneCounts = []int64{1, 3, 5}

// NodeRuntimes are how a node group's nodes run pods (NODE_RUNTIMES in
// packages/api-types/src/node-group.ts): real nodes, or kwok's simulated ones.
var NodeRuntimes = []string{"containerd", "simulated"}

// TaintEffects are Kubernetes' taint effects.
var TaintEffects = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}

// TokenRoles are the roles a token may have.
var TokenRoles = []string{"viewer", "member", "admin"}

var (
	dnsLabel       = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	labelKey       = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`)
	labelValue     = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$`)
	maxUnavailable = regexp.MustCompile(`^(0|[1-9][0-9]{0,2})%?$`)
	version        = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)
	controlChars   = regexp.MustCompile(`[\x00-\x1f\x7f]`)
	// Project descriptions may hold tabs and newlines, nothing else below 0x20.
	descriptionBad = regexp.MustCompile(`[\x00-\x08\x0b-\x1f\x7f]`)
)

// DNSLabel checks a lower-case RFC 1123 label of at most max characters.
func DNSLabel(value string, max int) string {
	if len(value) == 0 || len(value) > max {
		return fmt.Sprintf("must be 1 to %d characters long (got %d)", max, len(value))
	}
	if !dnsLabel.MatchString(value) {
		return fmt.Sprintf("%q must be lower-case letters, digits and '-', starting with a letter and not ending with '-'", value)
	}
	return ""
}

// LabelKey checks a Kubernetes label (or taint) key.
func LabelKey(key string) string {
	if !labelKey.MatchString(key) {
		return fmt.Sprintf("%q is not a valid Kubernetes label key (optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.')", key)
	}
	return ""
}

// LabelValue checks a Kubernetes label (or taint) value.
func LabelValue(value string) string {
	if !labelValue.MatchString(value) {
		return fmt.Sprintf("%q is not a valid Kubernetes label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)", value)
	}
	return ""
}

// MaxUnavailable checks "1" (servers) or "25%" (of count).
func MaxUnavailable(value string) string {
	if !maxUnavailable.MatchString(value) {
		return fmt.Sprintf("%q must be a number of servers (\"1\") or a percentage of count (\"25%%\")", value)
	}
	return ""
}

// Version checks a Kubernetes minor ("1.34") or patch ("1.34.10").
func Version(value string) string {
	if !version.MatchString(value) {
		return fmt.Sprintf("%q must be a Kubernetes minor like 1.34 or a patch like 1.34.10", value)
	}
	return ""
}

// NoControlChars checks free text such as a token name.
func NoControlChars(value string) string {
	if controlChars.MatchString(value) {
		return "must not contain control characters"
	}
	return ""
}

// Description checks a project description: at most 1000 characters, tabs and newlines allowed.
func Description(value string) string {
	if len([]rune(value)) > 1000 {
		return "must be at most 1000 characters"
	}
	if descriptionBad.MatchString(value) {
		return "must not contain control characters other than tab and newline"
	}
	return ""
}

// OneOf checks membership in a small fixed set.
func OneOf[T comparable](value T, allowed []T) string {
	for _, a := range allowed {
		if a == value {
			return ""
		}
	}
	return fmt.Sprintf("must be one of %v (got %v)", allowed, value)
}

// Autoscaling checks the bounds and, when count is known (countSet), that it lies within them.
// It returns the value at fault ("min" or "count") with the reason.
func Autoscaling(min, max, count int64, countSet bool) (field, reason string) {
	if min > max {
		return "min", fmt.Sprintf("min (%d) is above max (%d)", min, max)
	}
	if countSet && (count < min || count > max) {
		return "count", fmt.Sprintf("node_count %d must lie within the autoscaling bounds [%d, %d] (or leave node_count unset and let the autoscaler set it)", count, min, max)
	}
	return "", ""
}

// ClampCount is the count a node group starts with under autoscaling when none is given: the
// API's default (3) brought within [min, max].
func ClampCount(count, min, max int64) int64 {
	if count < min {
		return min
	}
	if count > max {
		return max
	}
	return count
}
