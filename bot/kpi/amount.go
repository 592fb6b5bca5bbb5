package kpi

import (
	"errors"
	"fmt"
	"math"
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
	if !decimalText(s) { // the text first: "1e999999" never reaches big.Rat
		return 0, fmt.Errorf("%w: %q", ErrDecimal, s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
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

// MaxAmount is the largest Amount.
const MaxAmount = Amount(math.MaxInt64)

// Ceilings: no single report of an indicator may be larger than
// CeilingFactor times the year's target (a figure a thousand times the whole
// province's annual target is a typo of scale, never a fact), nor a percent
// figure larger than PercentCeiling percent points (no growth rate, no share
// is a thousand percent). They keep every year's sums far from int64's end.
const (
	CeilingFactor  = 1000
	PercentCeiling = 1000 * AmountScale
	// ShareCeiling: a share (a level in percent, such as households
	// using electricity) cannot be over 100%.
	ShareCeiling = 100 * AmountScale
)

// IsShare reports whether ind's figures are a share of a whole: a level in
// percent, which cannot exceed 100%.
func (ind *Indicator) IsShare() bool { return ind.Kind == Level && ind.Measure == Percent }

// Ceiling returns the largest size (absolute value) a report of ind may
// have: ShareCeiling for a share, PercentCeiling for another percent figure, CeilingFactor times the target
// otherwise (MaxAmount when the target is zero or that would not fit).
func (ind *Indicator) Ceiling() Amount {
	if ind.IsShare() {
		return ShareCeiling
	}
	if ind.Measure == Percent {
		return PercentCeiling
	}
	t := max(ind.Target, ind.TargetMax)
	if t <= 0 || t > MaxAmount/CeilingFactor {
		return MaxAmount
	}
	return t * CeilingFactor
}

// Add returns a+b, and ok false (with a saturated sum) when it would
// overflow: a total that does not fit is an error, never a wrap-around.
func (a Amount) Add(b Amount) (sum Amount, ok bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		if b > 0 {
			return MaxAmount, false
		}
		return Amount(math.MinInt64), false
	}
	return s, true
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
