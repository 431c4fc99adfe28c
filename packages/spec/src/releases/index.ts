export * from './table';
export * from './kubernetes';
export * from './harbor';
export * from './consul';
export * from './containerd';
export * from './upgrade';
