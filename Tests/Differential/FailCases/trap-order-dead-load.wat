;; Out-of-bounds loads whose values only feed dead arithmetic still trap.
(module
  (memory 1 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "f") (param $p i32)
    (global.set $g (i32.const 1))
    (drop (i32.mul (i32.load offset=65536 (local.get $p)) (i32.const 0)))
    (global.set $g (i32.const 2)))
  (func (export "d") (param $p i32) (result f64)
    (drop (f64.add (f64.load offset=65530 (local.get $p)) (f64.const 1)))
    (f64.const 3)))
