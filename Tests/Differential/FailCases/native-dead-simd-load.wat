(module (memory 0 1)
  (func (export "f") (result i32)
    memory.size
    v128.load32x2_u
    i32x4.extend_low_i16x8_s
    drop
    i32.const 7))
