// Original file: proto/herald/v1/admin.proto


export interface TransferControllerRequest {
  /**
   * The node to become the controller, a member of the meta group's ISR. 0 lets the controller
   * pick the most up-to-date member of the ISR.
   */
  'toNodeId'?: (number);
}

export interface TransferControllerRequest__Output {
  /**
   * The node to become the controller, a member of the meta group's ISR. 0 lets the controller
   * pick the most up-to-date member of the ISR.
   */
  'toNodeId': (number);
}
