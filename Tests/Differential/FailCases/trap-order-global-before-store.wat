;; A global set before an out-of-bounds store, in a loop: the global keeps its last value.
(module
  (memory 1 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "f") (param $p i32)
    (local $i i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (i32.store (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 4096))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))))
