/** The protocol a server speaks: 2023 chat-ui (H2O's) or today's chat-ui. */
export type Dialect = 'h2o' | 'chat-ui';
