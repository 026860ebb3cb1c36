export enum Role {
  Admin = 'admin',
  Warehouse = 'warehouse',
  Coordinator = 'coordinator',
}
