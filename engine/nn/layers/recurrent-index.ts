// Recurrent layers and attention (torch.nn.RNN/LSTM/GRU and their cells, MultiHeadAttention, KV cache).
export type { RecurrentCellOptions, RecurrentLayerOptions } from './recurrent.js';
export { RNNCell, RNN, type RNNNonlinearity, type RNNCellOptions, type RNNOptions } from './rnn.js';
export { LSTMCell, LSTM } from './lstm.js';
export { GRUCell, GRU } from './gru.js';
export { MultiHeadAttention, type MultiHeadAttentionOptions, type AttentionCallOptions, type AttentionRopeOptions } from './attention.js';
export { KVCache, type KVCacheOptions } from './kv-cache.js';
