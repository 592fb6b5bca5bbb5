package handlers

import (
	"math/big"
	"strconv"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func floatRat(f float64) *big.Rat {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'f', 3, 64))
	if r == nil {
		return new(big.Rat)
	}
	return r
}
