;; A global set by a callee that LLVM inlines, then a load that faults: the global is set.
(module
  (memory 1 2)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $set (param $v i32) (global.set $g (local.get $v)))
  (func (export "f") (param $p i32) (result i32)
    (local $x i32)
    (local.set $x (i32.load (i32.and (local.get $p) (i32.const 0xFC))))
    (call $set (i32.add (local.get $x) (i32.const 7)))
    (i32.add (local.get $x) (i32.load (i32.const 70000))))
  (func (export "loop") (param $p i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (i32.and (local.get $i) (i32.const 0xFC)))))
      (call $set (local.get $i))
      (local.set $s (i32.add (local.get $s) (i32.load offset=65532 (i32.mul (local.get $i) (i32.const 4)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
    (local.get $s)))
