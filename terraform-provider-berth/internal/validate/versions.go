package validate

import (
	"fmt"
	"strconv"
	"strings"
)

type parsedVersion struct {
	major, minor int
	patch        int // -1 when absent
}

func parseVersion(text string) (parsedVersion, bool) {
	parts := strings.Split(trimV(text), ".")
	if len(parts) < 2 || len(parts) > 3 {
		return parsedVersion{}, false
	}
	nums := []int{0, 0, -1}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return parsedVersion{}, false
		}
		nums[i] = n
	}
	return parsedVersion{nums[0], nums[1], nums[2]}, true
}

// UpgradeRefusal says why `to` is not a valid upgrade from `from` ("" when it is): forward by at
// most one minor (Kubernetes' version-skew policy); same-minor patch moves must go up. The rule
// of packages/api-types/src/versions.ts, which the API applies to :upgrade.
func UpgradeRefusal(from, to string) string {
	a, okA := parseVersion(from)
	b, okB := parseVersion(to)
	if !okA || !okB {
		return fmt.Sprintf("cannot compare versions %q and %q", from, to)
	}
	switch {
	case b.major != a.major:
		return fmt.Sprintf("cannot change the major version (%s → %s)", from, to)
	case b.minor < a.minor:
		return fmt.Sprintf("%s is older than %s; downgrades are not supported", to, from)
	case b.minor > a.minor+1:
		return fmt.Sprintf("%s skips a minor version; upgrade one minor at a time (next: %d.%d)", to, a.major, a.minor+1)
	case b.minor == a.minor && (b.patch == -1 || (a.patch != -1 && b.patch <= a.patch)):
		return fmt.Sprintf("the cluster already runs %s; choose a newer version", from)
	}
	return ""
}

// SameRelease reports whether two version strings name the same minor, e.g. "1.34" and
// "1.34.10": the API stores what was asked, the cluster reports the exact patch.
func SameRelease(a, b string) bool {
	pa, okA := parseVersion(a)
	pb, okB := parseVersion(b)
	return okA && okB && pa.major == pb.major && pa.minor == pb.minor
}
