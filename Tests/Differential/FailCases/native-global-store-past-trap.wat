(module
  (memory 0 1)
  (global $g (export "g") (mut i32) (i32.const 5))
  (func (export "f") (param $n i32)
    (loop $l
      (global.set $g (i32.sub (global.get $g) (i32.const 1)))
      (br_if $l (i32.load (local.get $n))))))
