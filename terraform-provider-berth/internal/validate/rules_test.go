package validate

import (
	"strings"
	"testing"
)

func TestCIDRText(t *testing.T) {
	cases := []struct {
		text      string
		maxPrefix int
		want      string // substring of the refusal; "" = accepted
	}{
		{"10.0.0.0/24", MaxSubnetPrefix, ""},
		{"10.0.0.0/28", MaxSubnetPrefix, ""},
		{"10.0.0.0/29", MaxSubnetPrefix, "too small; use a /28 or larger"},
		{"10.0.0.5/24", 0, "host bits set; did you mean 10.0.0.0/24?"},
		{"10.100.0.0/21", MaxPodsPrefix, "use a /20 or larger"},
		{"10.0.0.0", 0, "not an IPv4 CIDR"},
		{"256.0.0.0/8", 0, "not an IPv4 CIDR"},
		{"10.0.0.0/33", 0, "not an IPv4 CIDR"},
		{"010.0.0.0/8", 0, "not an IPv4 CIDR"},
		{"0.0.0.0/0", 0, ""},
		{"192.168.1.1/32", 0, ""},
	}
	for _, tc := range cases {
		got := CIDRText(tc.text, tc.maxPrefix)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("CIDRText(%q, %d) = %q, want %q", tc.text, tc.maxPrefix, got, tc.want)
		}
	}
}

func TestFirstOverlap(t *testing.T) {
	ranges := func(a, b, c string) []NetworkRange {
		return []NetworkRange{{"subnet_cidr", a}, {"pods_cidr", b}, {"services_cidr", c}}
	}
	if at, _ := FirstOverlap(ranges("10.0.0.0/24", "10.100.0.0/16", "10.254.0.0/16")); at != "" {
		t.Fatalf("the API defaults are disjoint, got overlap at %s", at)
	}
	at, other := FirstOverlap(ranges("10.0.0.0/24", "10.0.0.0/16", "10.254.0.0/16"))
	if at != "pods_cidr" || other != "subnet_cidr" {
		t.Fatalf("got %s/%s", at, other)
	}
	at, other = FirstOverlap(ranges("10.0.0.0/24", "10.100.0.0/16", "10.100.128.0/24"))
	if at != "services_cidr" || other != "pods_cidr" {
		t.Fatalf("got %s/%s", at, other)
	}
	if at, _ := FirstOverlap(ranges("bad", "10.100.0.0/16", "10.100.0.0/16")); at != "services_cidr" {
		t.Fatalf("unparsable ranges are skipped, the rest still checked; got %q", at)
	}
}

func TestUpgradeRefusal(t *testing.T) {
	cases := []struct{ from, to, want string }{
		{"1.33.13", "1.34", ""},
		{"1.33", "1.34.10", ""},
		{"1.34.2", "1.34.10", ""},
		{"1.33.13", "1.35", "skips a minor version; upgrade one minor at a time (next: 1.34)"},
		{"1.34.10", "1.33", "older than 1.34.10; downgrades are not supported"},
		{"1.34.10", "1.34", "already runs 1.34.10"},
		{"1.34.10", "1.34.10", "already runs"},
		{"1.34", "2.0", "cannot change the major version"},
		{"1.34", "latest", "cannot compare"},
	}
	for _, tc := range cases {
		got := UpgradeRefusal(tc.from, tc.to)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("UpgradeRefusal(%q, %q) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
	if !SameRelease("1.34", "1.34.10") || SameRelease("1.34", "1.33.13") {
		t.Error("SameRelease compares minors")
	}
}

func TestNamesAndLabels(t *testing.T) {
	for _, ok := range []string{"demo", "a", "web-1"} {
		if msg := DNSLabel(ok, MaxClusterName); msg != "" {
			t.Errorf("%q: %s", ok, msg)
		}
	}
	for _, bad := range []string{"", "Demo", "1abc", "web-", "a_b", strings.Repeat("a", 41)} {
		if DNSLabel(bad, MaxClusterName) == "" {
			t.Errorf("%q must be refused", bad)
		}
	}
	if DNSLabel("workers-of-zone-2", MaxNodeGroupName) == "" {
		t.Error("node group names stop at 16 characters")
	}
	if LabelKey("berth.dev/team") != "" || LabelKey("app") != "" || LabelKey("Bad Key") == "" || LabelKey("-x") == "" {
		t.Error("label keys follow Kubernetes' rules")
	}
	if LabelValue("") != "" || LabelValue("v1.2_x") != "" || LabelValue("a b") == "" || LabelValue(strings.Repeat("x", 64)) == "" {
		t.Error("label values follow Kubernetes' rules")
	}
	for _, ok := range []string{"0", "1", "25%", "100%"} {
		if MaxUnavailable(ok) != "" {
			t.Errorf("max_unavailable %q is valid", ok)
		}
	}
	for _, bad := range []string{"", "01", "1000", "-1", "25 %", "x"} {
		if MaxUnavailable(bad) == "" {
			t.Errorf("max_unavailable %q is invalid", bad)
		}
	}
	if Version("1.34") != "" || Version("1.34.10") != "" || Version("v1.34") == "" || Version("1") == "" {
		t.Error("versions are minor or patch numbers")
	}
	if NoControlChars("ci token") != "" || NoControlChars("a\nb") == "" {
		t.Error("control characters")
	}
	if Description("line one\n\tline two") != "" || Description("bell\a") == "" || Description(strings.Repeat("x", 1001)) == "" {
		t.Error("descriptions allow tab and newline, nothing else below 0x20, ≤ 1000 characters")
	}
	if OneOf(int64(3), ControlPlaneCounts) != "" || !strings.Contains(OneOf(int64(2), ControlPlaneCounts), "[1 3 5]") {
		t.Error("control plane counts are 1, 3 or 5")
	}
}

func TestAutoscaling(t *testing.T) {
	if f, _ := Autoscaling(1, 10, 3, true); f != "" {
		t.Errorf("count 3 in [1,10] is fine, got %s", f)
	}
	if f, why := Autoscaling(5, 2, 3, false); f != "min" || !strings.Contains(why, "min (5) is above max (2)") {
		t.Errorf("min > max: %s %s", f, why)
	}
	if f, _ := Autoscaling(2, 5, 7, true); f != "count" {
		t.Errorf("count outside the bounds: %s", f)
	}
	if f, _ := Autoscaling(2, 5, 7, false); f != "" {
		t.Errorf("an unset count is not checked: %s", f)
	}
	if ClampCount(3, 5, 8) != 5 || ClampCount(3, 1, 2) != 2 || ClampCount(3, 1, 10) != 3 {
		t.Error("ClampCount")
	}
}
