;; Two adjacent stores, the second out of bounds: the first must be in memory after the trap
;; (LLVM merges adjacent stores into one wide store, which faults as a whole).
(module
  (memory 1 1)
  (func (export "f")
    (i32.store (i32.const 65532) (i32.const 0x01020304))
    (i32.store (i32.const 65536) (i32.const 0x05060708)))
  (func (export "g") (param $p i32)
    (i32.store offset=65528 (i32.and (local.get $p) (i32.const 0)) (i32.const 0x0A0B0C0D))
    (i32.store offset=65532 (i32.and (local.get $p) (i32.const 0)) (i32.const 0x0E0F1011))
    (i64.store offset=65536 (i32.and (local.get $p) (i32.const 0)) (i64.const 0x1213141516171819)))
  (func (export "h") (result i64) (i64.load (i32.const 65528))))
