package kpi

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Amount is an exact quantity in thousandths of an indicator's base measure
// (USD, VND, percent points, MWp, items). Sums of a year's reports stay far
// inside int64: 96.400 tỉ đồng is 9,64·10^16 milli-đồng, and int64 holds 9,2·10^18.
type Amount int64

// AmountScale is the number of Amount steps in one base unit.
const AmountScale = 1000

// ErrDecimal is returned by ParseDecimal for text that is not a plain decimal.
var ErrDecimal = errors.New("kpi: not a plain decimal")

// ParseDecimal reads a canonical decimal ("6400000000", "99.97", "-0.5",
// "96_400_000_000_000") as used in plan files: '.' is the decimal point, '_'
// may group digits. It fails on anything else, and on more than three decimals.
func ParseDecimal(s string) (Amount, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "eE/") || s == "" {
		return 0, fmt.Errorf("%w: %q", ErrDecimal, s)
	}
	return AmountFromRat(r)
}

// AmountFromRat converts an exact rational quantity of base units to an
// Amount. It fails when the value needs more than three decimals or does not
// fit in int64.
func AmountFromRat(r *big.Rat) (Amount, error) {
	m := new(big.Rat).Mul(r, big.NewRat(AmountScale, 1))
	if !m.IsInt() {
		return 0, fmt.Errorf("%w: %s has more than 3 decimals", ErrDecimal, r.FloatString(6))
	}
	n := m.Num()
	if !n.IsInt64() {
		return 0, fmt.Errorf("%w: %s is too large", ErrDecimal, r.FloatString(0))
	}
	return Amount(n.Int64()), nil
}

// Rat returns the amount as an exact number of base units.
func (a Amount) Rat() *big.Rat { return big.NewRat(int64(a), AmountScale) }

// Float returns the amount in base units, for ratios and display only.
func (a Amount) Float() float64 { return float64(a) / AmountScale }

// String is the canonical decimal form in base units ("6400000000", "99.97").
func (a Amount) String() string {
	s := a.Rat().FloatString(3)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
