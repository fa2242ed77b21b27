;; -O0 on x86_64: LLVM's instruction selection looped forever (with memory growing without
;; bound) on SIMD operations on v128 constants, which reached it as unfolded constant
;; expressions `bitcast (<2 x i64> ... to <4 x i32>)` (no IR passes run at -O0). Lowering now
;; reinterprets constant vectors itself (IRBuilder.bitcast). From difftest seed 1012953 at -O0.
(module
  (func (export "f") (result i32)
    v128.const i64x2 -4191838185375412869 1952826453783814737
    v128.const i64x2 -2969273884252116379 -2825837604607329339
    i32x4.le_u
    i8x16.popcnt
    i32x4.extadd_pairwise_i16x8_s
    i8x16.bitmask
    f32.reinterpret_i32
    f32.const 0
    f32.ge))
