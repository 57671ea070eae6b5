package funcs

import (
	"math"
	"strconv"
	"strings"

	"github.com/tuskdb/tusk/internal/pgerr"
	"github.com/tuskdb/tusk/sql/types"
)

// Array functions (array_userfuncs.c, arrayfuncs.c). Results keep the
// input's lower bounds as PostgreSQL does; element equality is
// types.Equal of the element type (F4: the resolved types come from
// ctx).

func init() {
	proc(2176, "is", "array_length(anyarray, int4) int4", "array_length", dimFn(func(a *types.Array, d int) int64 {
		return int64(a.Dims[d])
	}))
	proc(2092, "is", "array_upper(anyarray, int4) int4", "array_upper", dimFn(func(a *types.Array, d int) int64 {
		return int64(a.LBounds[d]) + int64(a.Dims[d]) - 1
	}))
	proc(2091, "is", "array_lower(anyarray, int4) int4", "array_lower", dimFn(func(a *types.Array, d int) int64 {
		return int64(a.LBounds[d])
	}))
	proc(748, "is", "array_ndims(anyarray) int4", "array_ndims", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := arr(a[0])
		if len(x.Dims) == 0 {
			return nil, nil
		}
		return int64(len(x.Dims)), nil
	})
	proc(747, "is", "array_dims(anyarray) text", "array_dims", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := arr(a[0])
		if len(x.Dims) == 0 {
			return nil, nil
		}
		var b strings.Builder
		for i := range x.Dims {
			b.WriteString("[" + strconv.Itoa(int(x.LBounds[i])) + ":" + strconv.Itoa(int(x.LBounds[i])+int(x.Dims[i])-1) + "]")
		}
		return b.String(), nil
	})
	proc(3179, "is", "cardinality(anyarray) int4", "array_cardinality", func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		return int64(len(arr(a[0]).Elems)), nil
	})
	proc(378, "i", "array_append(anycompatiblearray, anycompatible) anycompatiblearray", "array_append", arrayAppend(false))
	proc(379, "i", "array_prepend(anycompatible, anycompatiblearray) anycompatiblearray", "array_prepend", arrayAppend(true))
	proc(383, "i", "array_cat(anycompatiblearray, anycompatiblearray) anycompatiblearray", "array_cat", arrayCat)
	proc(3277, "i", "array_position(anycompatiblearray, anycompatible) int4", "array_position", arrayPosition)
	proc(3278, "i", "array_position(anycompatiblearray, anycompatible, int4) int4", "array_position_start", arrayPosition)
	proc(3279, "i", "array_positions(anycompatiblearray, anycompatible) int4[]", "array_positions", arrayPositions)
	proc(3167, "i", "array_remove(anycompatiblearray, anycompatible) anycompatiblearray", "array_remove", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return arrayReplace(ctx, a[0], a[1], nil, true)
	})
	proc(3168, "i", "array_replace(anycompatiblearray, anycompatible, anycompatible) anycompatiblearray", "array_replace", func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		return arrayReplace(ctx, a[0], a[1], a[2], false)
	})
	proc(6172, "is", "trim_array(anyarray, int4) anyarray", "trim_array", trimArray)
}

// elemType returns the element type of argument i (an array) from the
// resolved types, else from the datum.
func elemType(ctx *FuncContext, i int, a *types.Array) *types.T {
	if t := ctx.argType(i, nil); t != nil && t.Elem != nil {
		return t.Elem
	}
	if ctx != nil && ctx.RetType != nil && ctx.RetType.Elem != nil {
		return ctx.RetType.Elem
	}
	if a != nil && a.Elem != nil {
		return a.Elem
	}
	return types.Text
}

func dimFn(f func(a *types.Array, d int) int64) Impl {
	return func(_ *FuncContext, a []types.Datum) (types.Datum, error) {
		x := arr(a[0])
		d := i64(a[1])
		if d < 1 || d > int64(len(x.Dims)) {
			return nil, nil
		}
		return f(x, int(d-1)), nil
	}
}

func copyArray(a *types.Array, elem *types.T) *types.Array {
	return &types.Array{Elem: elem, Elems: append([]types.Datum(nil), a.Elems...),
		Dims: append([]int32(nil), a.Dims...), LBounds: append([]int32(nil), a.LBounds...)}
}

// arrayAppend mirrors array_append / array_prepend (not strict: a NULL
// array acts as empty).
func arrayAppend(prepend bool) Impl {
	return func(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
		ai, ei := 0, 1
		if prepend {
			ai, ei = 1, 0
		}
		var x *types.Array
		if a[ai] != nil {
			x = arr(a[ai])
		}
		elem := elemType(ctx, ai, x)
		if x == nil || len(x.Dims) == 0 {
			return types.NewArray(elem, []types.Datum{a[ei]}), nil
		}
		if len(x.Dims) != 1 {
			return nil, pgerr.New(pgerr.DataException, "argument must be empty or one-dimensional array")
		}
		if int64(x.LBounds[0])+int64(x.Dims[0]) > math.MaxInt32 || x.Dims[0] >= 1<<27 {
			return nil, errIntRange()
		}
		r := copyArray(x, elem)
		if prepend {
			r.Elems = append([]types.Datum{a[ei]}, r.Elems...)
		} else {
			r.Elems = append(r.Elems, a[ei])
		}
		r.Dims[0]++
		return r, nil
	}
}

func errIncompatible(detail string, args ...any) error {
	return pgerr.New(pgerr.ArraySubscriptError, "cannot concatenate incompatible arrays").WithDetail(detail, args...)
}

// arrayCat mirrors array_cat.
func arrayCat(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
	if a[0] == nil && a[1] == nil {
		return nil, nil
	}
	elem := elemType(ctx, 0, nil)
	if a[0] == nil {
		return copyArray(arr(a[1]), elemType(ctx, 1, arr(a[1]))), nil
	}
	if a[1] == nil {
		return copyArray(arr(a[0]), elemType(ctx, 0, arr(a[0]))), nil
	}
	x, y := arr(a[0]), arr(a[1])
	elem = elemType(ctx, 0, x)
	n1, n2 := len(x.Dims), len(y.Dims)
	if n1 == 0 {
		return copyArray(y, elem), nil
	}
	if n2 == 0 {
		return copyArray(x, elem), nil
	}
	if n1 != n2 && n1 != n2-1 && n1 != n2+1 {
		return nil, errIncompatible("Arrays of %d and %d dimensions are not compatible for concatenation.", n1, n2)
	}
	var dims, lbs []int32
	switch {
	case n1 == n2:
		for i := 1; i < n1; i++ {
			if x.Dims[i] != y.Dims[i] || x.LBounds[i] != y.LBounds[i] {
				return nil, errIncompatible("Arrays with differing element dimensions are not compatible for concatenation.")
			}
		}
		dims = append([]int32{x.Dims[0] + y.Dims[0]}, x.Dims[1:]...)
		lbs = append([]int32(nil), x.LBounds...)
	case n1 == n2-1:
		for i := 0; i < n1; i++ {
			if x.Dims[i] != y.Dims[i+1] || x.LBounds[i] != y.LBounds[i+1] {
				return nil, errIncompatible("Arrays with differing dimensions are not compatible for concatenation.")
			}
		}
		dims = append([]int32{y.Dims[0] + 1}, y.Dims[1:]...)
		lbs = append([]int32(nil), y.LBounds...)
	default:
		for i := 0; i < n2; i++ {
			if y.Dims[i] != x.Dims[i+1] || y.LBounds[i] != x.LBounds[i+1] {
				return nil, errIncompatible("Arrays with differing dimensions are not compatible for concatenation.")
			}
		}
		dims = append([]int32{x.Dims[0] + 1}, x.Dims[1:]...)
		lbs = append([]int32(nil), x.LBounds...)
	}
	if int64(lbs[0])+int64(dims[0]) > math.MaxInt32 {
		return nil, errIntRange()
	}
	elems := make([]types.Datum, 0, len(x.Elems)+len(y.Elems))
	elems = append(append(elems, x.Elems...), y.Elems...)
	return &types.Array{Elem: elem, Elems: elems, Dims: dims, LBounds: lbs}, nil
}

// eqElem compares elements as array_position does (IS NOT DISTINCT FROM).
func eqElem(t *types.T, a, b types.Datum) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return types.Equal(t, a, b)
}

// arrayPosition mirrors array_position(_start).
func arrayPosition(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, nil
	}
	x := arr(a[0])
	if len(x.Dims) > 1 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "searching for elements in multidimensional arrays is not supported")
	}
	if len(x.Dims) == 0 {
		return nil, nil
	}
	lb := int64(x.LBounds[0])
	start := lb
	if len(a) > 2 {
		if a[2] == nil {
			return nil, pgerr.New(pgerr.NullValueNotAllowed, "initial position must not be null")
		}
		start = max(i64(a[2]), lb)
	}
	elem := elemType(ctx, 0, x)
	for i := start - lb; i < int64(len(x.Elems)); i++ {
		if eqElem(elem, x.Elems[i], a[1]) {
			return i + lb, nil
		}
	}
	return nil, nil
}

func arrayPositions(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
	if a[0] == nil {
		return nil, nil
	}
	x := arr(a[0])
	if len(x.Dims) > 1 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "searching for elements in multidimensional arrays is not supported")
	}
	var out []types.Datum
	if len(x.Dims) == 1 {
		elem := elemType(ctx, 0, x)
		for i, e := range x.Elems {
			if eqElem(elem, e, a[1]) {
				out = append(out, int64(i)+int64(x.LBounds[0]))
			}
		}
	}
	return types.NewArray(types.Int4, out), nil
}

// arrayReplace mirrors array_replace_internal (remove: array_remove).
func arrayReplace(ctx *FuncContext, arrD, search, replace types.Datum, remove bool) (types.Datum, error) {
	if arrD == nil {
		return nil, nil
	}
	x := arr(arrD)
	elem := elemType(ctx, 0, x)
	if len(x.Dims) == 0 {
		return copyArray(x, elem), nil
	}
	if remove && len(x.Dims) > 1 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "removing elements from multidimensional arrays is not supported")
	}
	r := copyArray(x, elem)
	r.Elems = r.Elems[:0]
	for _, e := range x.Elems {
		if eqElem(elem, e, search) {
			if remove {
				continue
			}
			r.Elems = append(r.Elems, replace)
			continue
		}
		r.Elems = append(r.Elems, e)
	}
	if remove {
		if len(r.Elems) == 0 {
			return &types.Array{Elem: elem}, nil
		}
		r.Dims[0] = int32(len(r.Elems))
	}
	return r, nil
}

// trimArray mirrors trim_array: drop the last n slices of the first
// dimension.
func trimArray(ctx *FuncContext, a []types.Datum) (types.Datum, error) {
	x := arr(a[0])
	n := i64(a[1])
	d1 := int64(0)
	if len(x.Dims) > 0 {
		d1 = int64(x.Dims[0])
	}
	if n < 0 || n > d1 {
		return nil, pgerr.New(pgerr.ArraySubscriptError, "number of elements to trim must be between 0 and %d", d1)
	}
	elem := elemType(ctx, 0, x)
	if d1 == 0 {
		return copyArray(x, elem), nil
	}
	if n == d1 {
		return &types.Array{Elem: elem}, nil
	}
	r := copyArray(x, elem)
	per := len(x.Elems) / int(d1)
	r.Dims[0] -= int32(n)
	r.Elems = r.Elems[:int(r.Dims[0])*per]
	return r, nil
}
