package ast

import "reflect"

// Inspect traverses the tree rooted at n in depth-first order, like
// go/ast.Inspect: it calls f(node) for each node; if f returns true, Inspect
// then visits the node's children (in field order). Subqueries are visited
// too; f can return false at a *SelectStmt to stay out of it.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || isNilNode(n) {
		return
	}
	if !f(n) {
		return
	}
	inspectValue(reflect.ValueOf(n).Elem(), f)
}

var nodeType = reflect.TypeOf((*Node)(nil)).Elem()

func isNilNode(n Node) bool {
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// inspectValue visits the nodes reachable from a struct, slice or interface
// value without going through another node.
func inspectValue(v reflect.Value, f func(Node) bool) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			inspectValue(v.Field(i), f)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			inspectValue(v.Index(i), f)
		}
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Implements(nodeType) {
			Inspect(v.Interface().(Node), f)
		} else if v.Kind() == reflect.Interface {
			inspectValue(v.Elem(), f)
		}
	}
}
