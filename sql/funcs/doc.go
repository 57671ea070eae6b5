// Package funcs is the built-in function registry.
package funcs
