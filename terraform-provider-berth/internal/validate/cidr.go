package validate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// CIDR is a parsed IPv4 CIDR.
type CIDR struct {
	Address uint32
	Prefix  int
}

var cidrPattern = regexp.MustCompile(`^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,2})$`)

// ParseCIDR parses a.b.c.d/n (as packages/api-types/src/cidr.ts does); ok is false otherwise.
func ParseCIDR(text string) (CIDR, bool) {
	m := cidrPattern.FindStringSubmatch(text)
	if m == nil {
		return CIDR{}, false
	}
	var addr uint32
	for _, octet := range m[1:5] {
		n, _ := strconv.Atoi(octet)
		if n > 255 || (len(octet) > 1 && octet[0] == '0') {
			return CIDR{}, false
		}
		addr = addr<<8 | uint32(n)
	}
	prefix, _ := strconv.Atoi(m[5])
	if prefix > 32 || (len(m[5]) > 1 && m[5][0] == '0') {
		return CIDR{}, false
	}
	return CIDR{Address: addr, Prefix: prefix}, true
}

func (c CIDR) size() uint64 { return 1 << (32 - c.Prefix) }

// network is the address with host bits cleared.
func (c CIDR) network() uint32 { return uint32(uint64(c.Address) / c.size() * c.size()) }

func (c CIDR) String() string {
	a := c.Address
	return fmt.Sprintf("%d.%d.%d.%d/%d", a>>24, a>>16&255, a>>8&255, a&255, c.Prefix)
}

// Overlaps reports whether two CIDRs share at least one address.
func (c CIDR) Overlaps(o CIDR) bool {
	aEnd := uint64(c.network()) + c.size()
	bEnd := uint64(o.network()) + o.size()
	return uint64(c.network()) < bEnd && uint64(o.network()) < aEnd
}

// CIDRText checks an IPv4 CIDR with no host bits and, when maxPrefix > 0, at most that prefix
// length (i.e. at least that large). The API's own messages, reworded for a Terraform user.
func CIDRText(text string, maxPrefix int) string {
	c, ok := ParseCIDR(text)
	if !ok {
		return fmt.Sprintf("%q is not an IPv4 CIDR like 10.0.0.0/24", text)
	}
	if c.network() != c.Address {
		return fmt.Sprintf("%q has host bits set; did you mean %s?", text, CIDR{c.network(), c.Prefix})
	}
	if maxPrefix > 0 && c.Prefix > maxPrefix {
		return fmt.Sprintf("%q is too small; use a /%d or larger", text, maxPrefix)
	}
	return ""
}

// NetworkRange is one of a cluster's three ranges, by attribute name.
type NetworkRange struct {
	Attribute string
	Text      string
}

// FirstOverlap returns the first range (in order) that overlaps an earlier one, and that one;
// ranges that do not parse are skipped (their own check reports them).
func FirstOverlap(ranges []NetworkRange) (at, other string) {
	for i := range ranges {
		a, ok := ParseCIDR(ranges[i].Text)
		if !ok {
			continue
		}
		for j := 0; j < i; j++ {
			b, ok := ParseCIDR(ranges[j].Text)
			if ok && a.Overlaps(b) {
				return ranges[i].Attribute, ranges[j].Attribute
			}
		}
	}
	return "", ""
}

func trimV(s string) string { return strings.TrimPrefix(s, "v") }
